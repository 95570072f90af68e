"""Fetching articles from URLs (a `.urls` file, one URL a line) without becoming an SSRF proxy.

Every host name is resolved once, each address is checked (private, loopback, link-local, multicast,
reserved and unspecified addresses are refused unless `settings.allow_private_urls`), and the
connection goes to the checked address itself, so a DNS answer that changes between check and
connect (rebinding) cannot send the request elsewhere. Redirects are followed by hand, each target
checked the same way. Timeouts and a response size limit come from settings.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..errors import IngestError
from ..records import Article, Failure
from .decode import decode_bytes
from .html import article_from_html

_MAX_REDIRECTS = 5  # browsers allow ~20; news sites need at most 2-3 (http->https, canonical host)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_USER_AGENT = "crosswire/0.1 (+news briefing tool)"


def articles_from_url_list(data: str, path: Path, settings: Any) -> Iterator[Article | Failure]:
    """Fetch every URL listed in a `.urls` file (blank lines and '#' comments skipped)."""
    any_url = False
    for n, line in enumerate(data.splitlines(), start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        any_url = True
        try:
            yield article_from_url(url, settings, origin=f"{path}:{n}")
        except IngestError as exc:
            yield Failure(url, str(exc))
    if not any_url:
        yield Failure(str(path), "empty file (no URLs)")


def article_from_url(url: str, settings: Any, origin: str | None = None) -> Article:
    """Fetch one page and extract its article; IngestError says why it could not."""
    body, content_type, final_url = fetch(url, settings)
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    text = _decode(body, params)
    if media_type in _HTML_TYPES or (not media_type and "<html" in text[:2000].lower()):
        return article_from_html(text, url, origin or url, url=final_url)
    if media_type == "text/plain":
        return Article(id=url, text=text, url=final_url, origin=origin or url)
    raise IngestError(f"unsupported content type {media_type or 'unknown'!r} (expected an HTML page)")


def fetch(url: str, settings: Any) -> tuple[bytes, str, str]:
    """GET `url` within the settings' limits: (body, content type, final URL after redirects)."""
    deadline = time.monotonic() + settings.fetch_timeout
    for _ in range(_MAX_REDIRECTS + 1):
        parts = _check_url(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _resolve_allowed(host, port, settings.allow_private_urls)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise IngestError(f"timed out after {settings.fetch_timeout:g} s")
        conn = _connection(parts.scheme, host, address, port, remaining)
        try:
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            conn.request("GET", path, headers={"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": _USER_AGENT, "Accept": "text/html, text/plain;q=0.8"})
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location")
                if not location:
                    raise IngestError(f"HTTP {resp.status} redirect without a Location")
                url = urljoin(url, location)
                continue
            if resp.status != 200:
                raise IngestError(f"HTTP {resp.status} {resp.reason}".strip())
            body = _read_limited(resp, settings.fetch_max_bytes, deadline, settings.fetch_timeout)
            return body, resp.getheader("Content-Type") or "", url
        except TimeoutError as exc:
            raise IngestError(f"timed out after {settings.fetch_timeout:g} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise IngestError(f"cannot fetch: {type(exc).__name__}: {exc}") from exc
        finally:
            conn.close()
    raise IngestError(f"too many redirects (more than {_MAX_REDIRECTS})")


def _check_url(url: str) -> Any:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise IngestError(f"not a valid URL: {url!r}") from exc
    if parts.scheme not in ("http", "https"):
        raise IngestError(f"refused: only http and https URLs are fetched, not {parts.scheme or 'no scheme'!r}")
    if not parts.hostname:
        raise IngestError(f"not a valid URL (no host): {url!r}")
    return parts


def _resolve_allowed(host: str, port: int, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise IngestError(f"cannot resolve host {host!r}") from exc
    addresses = [info[4][0] for info in infos]
    if not allow_private:
        for address in addresses:
            kind = blocked_kind(address)
            if kind:
                raise IngestError(
                    f"refused: {host} resolves to {address}, a {kind} address (set allow_private_urls to allow)"
                )
    return addresses[0]


def blocked_kind(address: str) -> str | None:
    """Why `address` must not be fetched from by default ('loopback', 'private', ...), or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return kind
    return None


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address already checked, whatever the host name resolves to now."""

    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(_PinnedHTTP):
    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def _connection(scheme: str, host: str, address: str, port: int, timeout: float) -> _PinnedHTTP:
    cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    return cls(host, address, port, timeout)


def _read_limited(resp: Any, limit: int, deadline: float, timeout: float) -> bytes:
    length = resp.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise IngestError(f"response too large: {int(length):,} bytes (limit fetch_max_bytes={limit:,})")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise IngestError(f"timed out after {timeout:g} s")
        chunk = resp.read(min(65536, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise IngestError(f"response too large: over {limit:,} bytes (limit fetch_max_bytes)")


def _decode(body: bytes, params: str) -> str:
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            try:
                return body.decode(value.strip("\"'"))
            except (LookupError, UnicodeDecodeError):
                break
    return decode_bytes(body)
