"""The JSON API: list stories, read one story, post articles. Input is checked before it is used."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from .site import Site

_ARTICLE_SCHEMA = {
    "type": "object",
    "required": ["text"],
    "properties": {
        "id": {"type": "string", "description": "Stable article id; derived from the body when missing."},
        "text": {"type": "string", "description": "Article body (plain text; HTML is cleaned)."},
        "title": {"type": "string"},
        "source": {"type": "string", "description": "Outlet name or domain."},
        "published": {"type": "string", "description": "ISO 8601 date or datetime."},
        "url": {"type": "string", "description": "Original URL (shown as a link, never fetched)."},
        "language": {"type": "string"},
    },
    "additionalProperties": True,
}

_ERRORS = {
    400: {"description": "The body is not JSON."},
    409: {"description": "Every article is already stored under another id."},
    413: {"description": "The body is larger than `max_request_bytes`."},
    422: {"description": "No usable article: not an object or list, no `text`, too short after cleaning."},
}


def router(site: Site) -> APIRouter:
    """The /api routes over one Site."""
    api = APIRouter(prefix="/api", tags=["api"])

    @api.get("/stories", summary="Stories, newest first")
    def list_stories(q: str = "") -> dict[str, Any]:
        """Every story (grouping only: title, articles, outlets, dates) and the storylines; `q` filters."""
        rows = site.story_rows(q)
        return {
            "stories": [r.to_json() for r in rows],
            "storylines": [line.to_json() for line in site.store.storylines()],
        }

    @api.get("/stories/{story_id}", summary="One story with its analysis",
             responses={404: {"description": "No story with this id."}})
    def get_story(story_id: str) -> dict[str, Any]:
        """The same story object as `crosswire brief --format json`: summary, quotes, claims, timeline."""
        found = site.story(story_id)
        if found is None:
            raise HTTPException(404, f"no story with id {story_id!r}")
        return found[0].to_json()

    @api.get("/articles/{article_id}", summary="One cleaned article",
             responses={404: {"description": "No article with this id."}})
    def get_article(article_id: str) -> dict[str, Any]:
        """The stored article (cleaned text) and the story it belongs to."""
        article = site.store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        story = site.story_of(article_id)
        return {**article.to_json(), "story": story.id if story else None}

    @api.post(
        "/articles", summary="Add articles", status_code=201, responses=_ERRORS,
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
            "oneOf": [_ARTICLE_SCHEMA, {"type": "array", "items": _ARTICLE_SCHEMA}]}}}}},
    )
    async def post_articles(request: Request) -> JSONResponse:
        """Clean, store and assign one article or a list (JSONL fields); answers with each story id."""
        body = await read_limited(request, site.settings.max_request_bytes)
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise HTTPException(400, f"the body is not valid JSON: {_reason(exc)}") from None
        records = [data] if isinstance(data, dict) else data
        if not isinstance(records, list):
            raise HTTPException(422, f"expected an article object or a list of them, got {type(data).__name__}")
        if not records:
            raise HTTPException(422, "the list holds no articles")
        posted = await run_in_threadpool(site.post, records, body)
        payload = {
            "articles": posted.articles,
            "failures": [_failure(f, posted.ids) for f in posted.failures],
            "added": posted.added,
            "total": posted.total,
        }
        if posted.articles:
            status = 201 if posted.added else 200
        elif posted.failures and all(_conflict(f.reason) for f in posted.failures):
            status = 409
        else:
            status = 422
        if status >= 400:
            payload["error"] = "no usable article in the request: " + "; ".join(
                f"{posted.ids.get(f.input, f.input)}: {f.reason}" for f in posted.failures[:5])
        return JSONResponse(payload, status_code=status)

    return api


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise HTTPException(400, "invalid Content-Length header") from None
        if size > limit:
            raise HTTPException(413, f"request body of {size} bytes is over the limit of {limit} bytes")
    chunks, total = [], 0
    async for chunk in request.stream():  # chunked bodies carry no length: count while reading
        total += len(chunk)
        if total > limit:
            raise HTTPException(413, f"request body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _failure(failure: Any, ids: dict[str, str]) -> dict[str, Any]:
    out = failure.to_json()
    if failure.input in ids:
        out["id"] = ids[failure.input]  # which posted article it was, not only its position
    return out


def _conflict(reason: str) -> bool:
    # The store's wording for an article it already holds (same text, or same id with other text).
    return "duplicate" in reason or "already stored" in reason


def _reason(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return getattr(exc, "msg", None) or str(exc)[:200]
