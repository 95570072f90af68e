"""The FastAPI app: server-rendered pages over the store, the JSON API, and safe defaults.

Pages are Jinja2 templates with autoescaping on for every template, and a Content-Security-Policy
that allows no inline script, so text from articles can never run as code even if it slipped past
escaping. The app never fetches URLs; article links are only shown, and only when they are http(s).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..settings import Settings
from . import views
from .api import router
from .site import Site

HERE = Path(__file__).resolve().parent

# Our pages use only same-origin scripts and styles. /docs and /redoc load Swagger/ReDoc from a CDN
# with inline bootstrapping, so they get no CSP (they show no article text).
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_NO_CSP = ("/docs", "/redoc")


def create_app(db_path: str | Path, settings: Settings | None = None) -> Any:
    """The crosswire web app (a FastAPI instance) over the store at `db_path`."""
    settings = settings or Settings()
    site = Site(db_path, settings)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined)
    env.filters.update(nice_date=views.nice_date, safe_url=views.safe_url, outlet=views.outlet)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        site.close()

    app = FastAPI(
        title="crosswire",
        description="Stories built from many outlets' articles: cited summaries, quotes, claims, timelines.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.site = site
    app.include_router(router(site))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(_SecurityHeaders)

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    _error_handlers(app, page)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response((HERE / "static" / "favicon.svg").read_bytes(), media_type="image/svg+xml")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(q: str = "") -> HTMLResponse:
        stories, storylines = site.store.stories(), site.store.storylines()
        rows = site.story_rows(q, stories)
        groups = views.front_page(rows, storylines)
        variants = site.name_variants([g.storyline for g in groups if g.title and g.storyline], storylines, stories)
        return page("index.html", q=q, groups=views.with_names(groups, variants), n_stories=len(rows),
                    n_articles=site.store.article_count())

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        found = site.page_story(story_id)
        if found is None:
            raise HTTPException(404, f"There is no story with id “{story_id}”.")
        story, articles = found.story, found.articles
        storylines = site.store.storylines()
        storyline = next((line for line in storylines if line.id == story.storyline), None)
        line_names = []
        if storyline is not None and len(storyline.stories) > 1:
            # this page's story among the storyline's names; the other stories are named and linked
            stories = site.store.stories()
            variants = site.name_variants([storyline.id], storylines, stories).get(storyline.id, [])
            in_line = {s.id: s for s in stories if s.storyline == storyline.id}
            line_names = [n for n in views.name_lines(variants, in_line) if any(s[0] == story.id for s in n.stories)]
        sources = views.Sources(articles)
        first, last = views.date_range(articles, story.date)
        context = dict(
            story=story, articles=articles, sources=sources, first=first, last=last, problem=found.problem,
            pending=found.pending,
            summary=[(s, sources.markers(s.citations)) for s in story.summary],
            speakers=views.quotes_by_speaker(story, sources),
            claims=views.claim_rows(story, sources),
            timeline=[(e, sources.markers(e.citations)) for e in story.timeline],
            names=[e for e in story.entities if len({a.casefold() for a in e.aliases}) > 1],
            storyline=storyline,
            line_names=line_names,
        )
        return page("story.html", **context, snippets=list(sources.snippets.values()))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str, at: str = "") -> HTMLResponse:
        article = site.store.article(article_id)
        if article is None:
            raise HTTPException(404, f"There is no article with id “{article_id}”.")
        story = site.story_of(article_id)
        spans = []
        if story is not None:
            found = site.page_story(story.id)
            if found is not None:
                story = found.story
                spans = views.cited_spans(story, article_id)
        focus = _span(at)
        if focus:
            spans.append((*focus, "focus"))
        return page("article.html", article=article, story=story, focus=focus,
                    paragraphs=views.article_marks(article.text, spans),
                    n_cited=len({(s, e) for s, e, kind in spans if "cited" in kind}))

    return app


def _span(at: str) -> tuple[int, int] | None:
    start, _, end = at.partition("-")
    if start.isdigit() and end.isdigit() and int(start) < int(end):
        return int(start), int(end)
    return None


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _error_handlers(app: FastAPI, page: Callable[..., HTMLResponse]) -> None:
    """4xx/5xx answers: JSON `{"error": ..., "status": ...}` for the API, a readable page otherwise."""

    def answer(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
        return page("error.html", status=status, code=status, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        return answer(request, exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        return answer(request, 422, f"invalid request: {where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # Starlette re-raises after this answer, so the server logs the traceback once.
        return answer(request, 500, f"internal error: {type(exc).__name__}")


class _SecurityHeaders:
    """Adds CSP and the usual hardening headers to every response (a plain ASGI middleware, so
    request bodies stream through untouched)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                if not path.startswith(_NO_CSP):
                    headers.append((b"content-security-policy", _CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
