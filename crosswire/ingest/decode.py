"""Bytes to text: BOMs, UTF-8, a careful single-byte fallback, and refusing binary files.

Order matters: a BOM is certain, UTF-8 that decodes strictly is almost certainly UTF-8 (other
encodings rarely form valid multi-byte sequences), and everything else is a guess. The guess prefers
Windows-1252 for Latin-script text because detectors (charset_normalizer) often call short Western
text cp1250 or something exotic, which silently swaps letters; only when cp1252 yields text that is
mostly non-ASCII letters (a Cyrillic, Greek or CJK page in a legacy code page) is the detector trusted.
"""

from __future__ import annotations

import codecs
import unicodedata

from ..errors import IngestError

# File signatures of binary formats people drop into news folders by mistake.
_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf", "7z archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
    (b"\xd0\xcf\x11\xe0", "Office document"),
    (b"RIFF", "audio/video file"),
    (b"\x00\x00\x00", "binary data"),
    (b"SQLite format 3", "SQLite database"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Text has tabs and newlines but almost no other control characters; 1% tolerates a stray form feed or
# escape sequence in a real article while random bytes (about 12% controls in any single-byte decoding)
# are caught.
_MAX_CONTROL_RATIO = 0.01
# Share of letters outside ASCII above which a cp1252 decoding is suspect: French or German prose has
# well under 15% accented letters, while a Cyrillic page read as cp1252 is nearly 100%.
_MAX_NON_ASCII_LETTERS = 0.3
# Prose is about 95% letters, digits, spaces and ordinary punctuation; random bytes decoded as cp1252
# are about half symbols. 0.7 leaves room for tables, code snippets and emoji-heavy posts.
_MIN_READABLE = 0.7
_PUNCT = set(".,;:!?'\"()[]-–—‘’“”…/%&$€£@#*+=<>_|~^`{}")


def binary_kind(head: bytes) -> str | None:
    """The name of the binary format `head` (a file's first bytes) starts with, or None."""
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None  # UTF-16/32 text legitimately contains NUL bytes
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head and _utf16_without_bom(head) is None:
        return "NUL bytes"
    return None


def decode_bytes(data: bytes) -> str:
    """Decode a text file's bytes; raise IngestError for empty, binary or undecodable data."""
    if not data.strip():
        raise IngestError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(encoding))
            except UnicodeDecodeError as exc:
                raise IngestError(f"undecodable text: invalid {encoding} after its byte-order mark") from exc
    kind = binary_kind(data[:4096])
    if kind:
        raise IngestError(f"binary file, not text ({kind})")
    if b"\x00" in data:
        encoding = _utf16_without_bom(data[:4096])
        if encoding:
            try:
                return _checked(data.decode(encoding))
            except UnicodeDecodeError:
                pass
        raise IngestError("binary file, not text (NUL bytes)")
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _checked(_guess_single_byte(data))


def _utf16_without_bom(head: bytes) -> str | None:
    # ASCII-heavy UTF-16 has a NUL in every other byte; random binary does not.
    n = len(head) - len(head) % 2
    if n < 4:
        return None
    even, odd = head[0:n:2], head[1:n:2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _byte_table() -> str:
    # cp1252, except the five bytes it leaves undefined, which Latin-1 maps to C1 controls.
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or bytes([b]).decode("latin-1") for b in range(256)
    )


_CP1252_TRANSLATION = {i: ch for i, ch in enumerate(_byte_table())}


def _guess_single_byte(data: bytes) -> str:
    text = data.decode("latin-1").translate(_CP1252_TRANSLATION)
    letters = [c for c in text if c.isalpha()]
    non_ascii = sum(1 for c in letters if ord(c) > 127)
    if letters and non_ascii / len(letters) > _MAX_NON_ASCII_LETTERS:
        guess = _detect(data)
        if guess is not None:
            return guess
    return text


def _detect(data: bytes) -> str | None:
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - it ships with requests, which trafilatura pulls in
        return None
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        return None
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _checked(text: str) -> str:
    sample = text[:20_000]
    if not sample.strip():
        raise IngestError("empty file")
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if controls / len(sample) > _MAX_CONTROL_RATIO:
        raise IngestError("binary file, not text (control characters)")
    readable = sum(1 for c in sample if c.isalnum() or c.isspace() or c in _PUNCT)
    if readable / len(sample) < _MIN_READABLE:
        raise IngestError("binary file, not text (no readable words)")
    return text
