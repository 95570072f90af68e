"""HTML pages to articles with trafilatura (main text, title, date, outlet), and feed HTML to text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..errors import IngestError
from ..records import Article

_BLOCK = re.compile(r"(?i)<\s*(?:/p|br\s*/?|/div|/li|/h[1-6]|/blockquote|/tr|/section|/article)\s*>")
_SCRIPT = re.compile(r"(?is)<\s*(script|style|noscript|template)\b.*?</\s*\1\s*>")
_CHROME = re.compile(r"(?is)<\s*(nav|header|footer|aside|form)\b.*?</\s*\1\s*>")
_PARA = re.compile(r"(?is)<p\b[^>]{0,2000}>(.*?)</p\s*>")
_TAG = re.compile(r"(?s)<[^>]{0,2000}>")


def article_from_html(html: str, article_id: str, origin: str, url: str | None = None) -> Article:
    """Extract one article from a web page; IngestError if the page has no article text."""
    import trafilatura  # imported here: it pulls in lxml and friends, not needed by `import crosswire`

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

    page = _SCRIPT.sub(" ", html)
    page = _CHROME.sub(" ", page)
    paras = []
    for m in _PARA.finditer(page):
        text = " ".join(html_lib.unescape(_TAG.sub(" ", m.group(1))).split())
        if text:
            paras.append(text)
    return "\n".join(paras)


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment (a feed entry), one paragraph a line; no fetching, no DOM."""
    import html as html_lib

    if "<" not in fragment:
        return html_lib.unescape(fragment)
    text = _SCRIPT.sub(" ", fragment)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub(" ", text)
    return html_lib.unescape(text)


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
