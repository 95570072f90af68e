"""HTML pages to articles with trafilatura (main text, title, date, outlet), and feed HTML to text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..errors import IngestError
from ..records import Article

# Every pattern here is linear on hostile markup: no lazy ".*?" between an opening and a closing tag
# (thousands of unclosed "<p>" or "<script>" made those quadratic), and tag bodies stop at the next "<".
_BLOCK = re.compile(r"(?i)<\s*(?:/p|br\s*/?|/div|/li|/h[1-6]|/blockquote|/tr|/section|/article)\s*>")
_TAG = re.compile(r"<[^<>]{0,2000}>")
_P_TAG = re.compile(r"(?i)<\s*(/?)\s*p\b[^<>]{0,2000}>")
# trafilatura spends about 0.2 ms per element; large real news pages (with comment threads) have
# 10,000-20,000, so 60,000 keeps every real page while capping a hostile one at ~10 s of work.
_MAX_TAGS = 60_000
_SKIPPED = ("script", "style", "noscript", "template")
_CHROME = ("nav", "header", "footer", "aside", "form")


def article_from_html(html: str, article_id: str, origin: str, url: str | None = None) -> Article:
    """Extract one article from a web page; IngestError if the page has no article text."""
    import trafilatura  # imported here: it pulls in lxml and friends, not needed by `import crosswire`

    tags = html.count("<")
    if tags > _MAX_TAGS:
        raise IngestError(f"HTML page too complex to extract: {tags:,} tags (limit {_MAX_TAGS:,})")
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,  # reader comments are not the article
            include_tables=False,
            deduplicate=False,
        )
    except RecursionError as exc:
        raise IngestError("HTML too deeply nested to parse") from exc
    except Exception as exc:  # noqa: BLE001 - lxml and trafilatura raise many types on hostile markup
        raise IngestError(f"cannot parse HTML: {type(exc).__name__}: {exc}") from exc
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        # trafilatura gives up on some pages (lxml stops at 256 levels of nesting, for one); the text of
        # the page's <p> elements is then the best evidence of an article. Menus and scripts have none,
        # and the cleaner's minimum length turns a few stray words into a failure.
        text = paragraphs_text(html)
    if not text:
        raise IngestError("no article text found in the HTML page")
    page_url = getattr(doc, "url", None) or url
    source = getattr(doc, "sitename", None) or getattr(doc, "hostname", None) or domain_of(page_url)
    return Article(
        id=article_id,
        text=text,
        title=_clean_meta(getattr(doc, "title", None)),
        source=_clean_meta(source),
        published=_clean_meta(getattr(doc, "date", None)),
        url=page_url,
        origin=origin,
        language=getattr(doc, "language", None),
    )


def paragraphs_text(html: str) -> str:
    """The text of the page's <p> elements, one a line, with scripts, styles and menus removed first."""
    import html as html_lib

    page = _drop_elements(html, _SKIPPED + _CHROME)
    paras = []
    opened = -1
    for m in _P_TAG.finditer(page):
        if not m.group(1):
            opened = m.end()
        elif opened >= 0:
            text = " ".join(html_lib.unescape(_TAG.sub(" ", page[opened : m.start()])).split())
            if text:
                paras.append(text)
            opened = -1
    return "\n".join(paras)


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment (a feed entry), one paragraph a line; no fetching, no DOM."""
    import html as html_lib

    if "<" not in fragment:
        return html_lib.unescape(fragment)
    text = _drop_elements(fragment, _SKIPPED)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html_lib.unescape(text)


def _drop_elements(html: str, names: tuple[str, ...]) -> str:
    """`html` without the named elements and their content; an unclosed one runs to the end."""
    opening = re.compile(r"(?i)<\s*(" + "|".join(names) + r")\b")
    out = []
    pos = 0
    while True:
        m = opening.search(html, pos)
        if not m:
            out.append(html[pos:])
            break
        out.append(html[pos : m.start()])
        close = re.compile(r"(?i)<\s*/\s*" + m.group(1) + r"\s*>").search(html, m.end())
        if not close:
            break
        pos = close.end()
    return " ".join(out)


def domain_of(url: str | None) -> str | None:
    """The host name of `url` without a leading 'www.', or None."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host[4:] if host.startswith("www.") else host


def _clean_meta(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
