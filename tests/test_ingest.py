"""Ingest: every input kind, mixed folders, and each kind of bad input becoming a clear Failure."""

from __future__ import annotations

import http.server
import json
import os
import threading
from pathlib import Path

import pytest

from crosswire.ingest import articles_from_records, read_inputs
from crosswire.records import Article, Failure
from crosswire.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
NEWS_CLUSTER = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "giveme5w1h" / "news_cluster.jsonl"

BODY = (
    "The regional parliament approved the new water law on Thursday after a debate that lasted most of the night.\n"
    "Opposition members said the law leaves farmers without enough protection during droughts.\n"
)


def read(*inputs, **overrides):
    return list(read_inputs(inputs, Settings().with_overrides(**overrides)))


def articles(items):
    return [x for x in items if isinstance(x, Article)]


def failures(items):
    return [x for x in items if isinstance(x, Failure)]


def only_failure(items) -> Failure:
    assert len(items) == 1 and isinstance(items[0], Failure), items
    return items[0]


# --- each input kind -------------------------------------------------------------------------------


def test_plain_text_file_keeps_raw_text_and_uses_the_stem_as_id(tmp_path):
    path = tmp_path / "017_water-law.txt"
    path.write_text(BODY, encoding="utf-8")
    (a,) = read(path)
    assert a.id == "017_water-law"
    assert a.text == BODY
    assert a.origin == str(path)


def test_markdown_heading_becomes_the_title(tmp_path):
    path = tmp_path / "law.md"
    path.write_text("# Parliament passes water law\n\n" + BODY.replace("new water law", "new [water law](http://x.example)"))
    (a,) = read(path)
    assert a.title == "Parliament passes water law"
    assert "new water law on Thursday" in a.text and "http" not in a.text


def test_html_page_gives_text_title_date_and_outlet():
    (a,) = read(FIXTURES / "article.html")
    assert a.id == "article"
    assert a.title == "Harbour bridge reopens after storm damage"
    assert a.source == "Coastal Herald"
    assert a.published and a.published.startswith("2024-03-05")
    assert "four days after a winter storm" in a.text
    assert "window.tracking" not in a.text and "font-family" not in a.text


def test_rss_feed_entries_become_articles():
    items = read(FIXTURES / "feed.rss")
    first, second = articles(items)
    assert first.id == "https://www.valleycourier.example/?p=101"  # the guid
    assert second.id == "https://www.valleycourier.example/2024/04/river-levels"  # no guid: the link
    assert first.title == "Council approves new library budget"
    assert first.source == "Valley Courier"
    assert first.published.startswith("2024-04-02")
    assert "voted 7 to 2" in first.text and "<p>" not in first.text
    assert "120,000 dollars" in first.text


def test_atom_feed_prefers_full_content_over_summary():
    (a,) = read(FIXTURES / "feed.atom")
    assert a.id == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    assert "pay rise of 4.5 percent" in a.text and "teaser" not in a.text
    assert a.url == "https://ledger.example/rail-strike-called-off"


def test_jsonl_fields_and_aliases(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        {"id": "a1", "text": BODY, "title": "Water law", "source": "Daily Post", "url": "https://dp.example/a1", "published": "2024-02-01"},
        {"id": 7, "body": BODY, "date_publish": "2017-12-27 06:57:28", "source_domain": "www.nytimes.com"},
        {"id": "a3", "content": BODY, "url": "https://www.example.org/x"},
        {"dId": "abc123", "text": BODY, "source": {"id": None, "name": "Wire Service"}},
        {"text": BODY},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    a1, a2, a3, a4, a5 = read(path)
    assert (a1.id, a1.title, a1.source, a1.published, a1.origin) == ("a1", "Water law", "Daily Post", "2024-02-01", f"{path}:1")
    assert (a2.id, a2.source, a2.published) == ("7", "www.nytimes.com", "2017-12-27T06:57:28")
    assert a3.source == "example.org"  # no outlet given: the URL's domain
    assert (a4.id, a4.source) == ("abc123", "Wire Service")
    assert a5.id == "batch-5"  # no id at all: file stem and line number


def test_articles_from_records_applies_the_same_rules():
    items = list(articles_from_records([{"id": "x", "text": BODY}, {"id": "y"}, "nope"], "api", Settings()))
    assert isinstance(items[0], Article) and items[0].origin == "api:1"
    assert isinstance(items[1], Failure) and "text" in items[1].reason and items[1].input == "api:2"
    assert isinstance(items[2], Failure) and "JSON object" in items[2].reason


def test_seeds_folder_reads_all_five_in_order():
    items = read(SEEDS)
    assert [a.id.split("_")[0] for a in articles(items)] == ["000", "001", "002", "003", "004"]
    assert not failures(items)


def test_news_cluster_jsonl_reads_every_line():
    items = read(NEWS_CLUSTER)
    assert len(articles(items)) == 383 and not failures(items)
    assert len({a.id for a in articles(items)}) == 383


def test_mixed_folder_recursive_sorted_hidden_and_unknown_skipped(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "story.txt").write_text(BODY)
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "j1", "text": BODY}) + "\n")
    (tmp_path / "c.html").write_bytes((FIXTURES / "article.html").read_bytes())
    (tmp_path / "d.rss").write_bytes((FIXTURES / "feed.rss").read_bytes())
    (tmp_path / ".hidden.txt").write_text(BODY)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(BODY)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04junk")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    items = read(tmp_path)
    assert not failures(items)
    assert [a.id for a in articles(items)] == [
        "j1",
        "story",
        "c",
        "https://www.valleycourier.example/?p=101",
        "https://www.valleycourier.example/2024/04/river-levels",
    ]
    assert read(tmp_path) == items  # deterministic


def test_unknown_extension_named_explicitly_is_a_failure(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    f = only_failure(read(path))
    assert "unsupported file type '.pdf'" in f.reason


def test_missing_input_is_a_failure(tmp_path):
    f = only_failure(read(tmp_path / "nope.txt"))
    assert f.reason == "no such file or folder"


# --- bad input (issue 7) ---------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert only_failure(read(path)).reason == "empty file"


@pytest.mark.parametrize(
    "content, kind",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "PNG"),
        (bytes(range(256)) * 40, ""),
        (os.urandom(8192), ""),
    ],
    ids=["pdf", "png", "all-bytes", "random"],
)
def test_binary_file_with_text_extension(tmp_path, content, kind):
    path = tmp_path / "looks-like-text.txt"
    path.write_bytes(content)
    f = only_failure(read(path))
    assert f.reason.startswith("binary file, not text") and kind in f.reason


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("Le président a déclaré que l'économie française résistait à la crise, selon le ministère.", "latin-1"),
        ("The minister said \u201cwe are ready\u201d \u2014 and that\u2019s final; prices rose 5\u20ac.", "cp1252"),
        ("Die Straße bleibt gesperrt, sagte der Bürgermeister am Montag in Köln.", "utf-16"),
        ("Das Ministerium erklärte, die Gespräche würden fortgesetzt.", "utf-8-sig"),
        ("Министр иностранных дел России Сергей Лавров встретился с госсекретарем США в Вашингтоне.", "utf-8"),
    ],
)
def test_non_utf8_text_is_decoded_correctly(tmp_path, text, encoding):
    path = tmp_path / "enc.txt"
    path.write_bytes(text.encode(encoding))
    (a,) = read(path)
    assert a.text == text


def test_cyrillic_in_a_legacy_code_page_is_not_read_as_cp1252(tmp_path):
    text = "Министр иностранных дел России Сергей Лавров встретился с госсекретарем США в Вашингтоне во вторник."
    path = tmp_path / "ru.txt"
    path.write_bytes(text.encode("cp1251"))
    (a,) = read(path)
    assert a.text == text


def test_oversized_file_is_refused_without_loading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: 200 MB of apparent size, nothing written
        fh.truncate(200 * 1024 * 1024)
    f = only_failure(read(path, max_file_bytes=1_000_000))
    assert "too large" in f.reason and "max_file_bytes" in f.reason


def test_oversized_jsonl_is_streamed_line_by_line(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w") as fh:
        for i in range(200):
            fh.write(json.dumps({"id": f"n{i}", "text": BODY}) + "\n")
        fh.write(json.dumps({"id": "long", "text": "x" * 5000}) + "\n")
        fh.write(json.dumps({"id": "after", "text": BODY}) + "\n")
    assert path.stat().st_size > 4000
    items = read(path, max_file_bytes=4000)  # the file is far larger than the limit; lines are not
    assert len(articles(items)) == 201
    (f,) = failures(items)
    assert f.input == f"{path}:201" and "line too long" in f.reason


def test_jsonl_with_malformed_lines_and_missing_text(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "good1", "text": BODY}),
                '{"id": "broken", "text": "unterminated',
                "",
                json.dumps({"id": "notext", "title": "Only a title"}),
                "[1, 2, 3]",
                json.dumps({"id": "good2", "text": BODY}),
            ]
        )
    )
    items = read(path)
    assert [a.id for a in articles(items)] == ["good1", "good2"]
    reasons = {f.input: f.reason for f in failures(items)}
    assert reasons[f"{path}:2"].startswith("malformed JSON line")
    assert "no 'text' field" in reasons[f"{path}:4"]
    assert "not a JSON object" in reasons[f"{path}:5"]


def test_html_of_only_scripts_styles_and_navigation_yields_no_article():
    from crosswire.clean import clean_article

    items = read(FIXTURES / "only_scripts.html")
    out = [clean_article(x, Settings()) if isinstance(x, Article) else x for x in items]
    f = only_failure(out)
    assert "no article text" in f.reason


def test_billion_laughs_feed_is_refused():
    f = only_failure(read(FIXTURES / "billion_laughs.rss"))
    assert f.reason.startswith("refused") and "entities" in f.reason


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"SECRET-FROM-SERVER")

    def log_message(self, *args):
        pass


def test_xxe_feed_is_refused_and_nothing_is_fetched(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        for name, target in (("net", f"http://127.0.0.1:{port}/secret"), ("file", "file:///etc/passwd")):
            path = tmp_path / f"xxe-{name}.rss"
            path.write_text(
                f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>\n'
                '<rss version="2.0"><channel><title>x</title><item><title>t</title>'
                "<link>https://x.example/1</link><description>&xxe; and more words to make it long enough</description>"
                "</item></channel></rss>"
            )
            f = only_failure(read(path))
            assert f.reason.startswith("refused")
        # A DTD-less feed pointing at the server through a plain link is read, not followed.
        items = read(FIXTURES / "feed.rss")
        assert articles(items)
    finally:
        server.shutdown()
        server.server_close()
    assert _Counter.hits == []


def test_deeply_nested_html_does_not_crash(tmp_path):
    path = tmp_path / "deep.html"
    depth = 20_000
    path.write_text("<html><body>" + "<div>" * depth + "<p>" + BODY + "</p>" + "</div>" * depth + "</body></html>")
    items = read(path)
    assert len(items) == 1
    item = items[0]
    assert isinstance(item, Failure) or "water law" in item.text


def test_moderately_nested_html_is_read(tmp_path):
    path = tmp_path / "nested.html"
    path.write_text("<html><body>" + "<div><span>" * 100 + "<p>" + BODY + "</p>" + "</span></div>" * 100 + "</body></html>")
    (a,) = articles(read(path))
    assert "regional parliament approved" in a.text


def test_article_in_another_language_is_read_unchanged(tmp_path):
    text = "東京都は月曜日、新しい防災計画を発表した。\n計画には避難所の増設が含まれている。\n"
    path = tmp_path / "ja.txt"
    path.write_text(text, encoding="utf-8")
    (a,) = read(path)
    assert a.text == text


def test_duplicate_articles_under_different_ids_are_both_read(tmp_path):
    (tmp_path / "one.txt").write_text(BODY)
    (tmp_path / "two.txt").write_text(BODY)
    items = read(tmp_path)
    assert [a.id for a in articles(items)] == ["one", "two"]


def test_symlink_loop_does_not_hang(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "story.txt").write_text(BODY)
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    os.symlink(tmp_path / "sub", tmp_path / "sub" / "self")
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "dangling.txt")
    items = read(tmp_path)
    assert [a.id for a in articles(items)] == ["story"]
    assert all("dangling" in f.input for f in failures(items))


def test_file_that_vanishes_while_being_read(tmp_path, monkeypatch):
    keep = tmp_path / "keep.txt"
    gone = tmp_path / "gone.txt"
    keep.write_text(BODY)
    gone.write_text(BODY)
    # Delete the file between the folder listing and the read, as a concurrent process would.
    import crosswire.ingest.files as files

    real_walk = files._walk

    def walk_then_delete(folder, seen):
        for item in real_walk(folder, seen):
            if isinstance(item, Path) and item.name == "gone.txt":
                item.unlink()
            yield item

    monkeypatch.setattr(files, "_walk", walk_then_delete)
    items = read(tmp_path)
    assert [a.id for a in articles(items)] == ["keep"]
    (f,) = failures(items)
    assert f.input == str(gone) and "vanished" in f.reason


# --- property tests --------------------------------------------------------------------------------

from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hsettings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)
_records = st.dictionaries(
    st.sampled_from(["id", "text", "body", "title", "source", "url", "published", "date_publish", "dId", "x"]),
    _json_values,
    max_size=6,
)


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.text().filter(lambda s: "\n" not in s and "\r" not in s), _records.map(json.dumps)), max_size=8))
def test_jsonl_reader_never_raises_and_accounts_for_every_line(tmp_path, lines):
    path = tmp_path / "prop.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", errors="surrogatepass"))
    items = read(path)
    for item in items:
        assert isinstance(item, (Article, Failure))
        if isinstance(item, Article):
            assert item.text.strip() and item.id
    non_blank = [line for line in lines if line.strip()]
    whole_file_refused = (
        len(items) == 1
        and isinstance(items[0], Failure)
        and items[0].input == str(path)
        and "binary" in items[0].reason
    )
    if non_blank and not whole_file_refused:
        assert len(items) == len(non_blank)


@hsettings(max_examples=150, deadline=None)
@given(st.lists(_records | _json_values, max_size=6))
def test_records_never_raise(records):
    items = list(articles_from_records(records, "api", Settings()))
    assert len(items) == len(records)


def test_hostile_html_is_refused_or_read_quickly(tmp_path):
    cases = {
        "unclosed-p.html": "<p>" * 100_000,
        "unclosed-script.html": "<script>" * 100_000,
        "angles.html": "<" * 300_000,
        "unclosed-nav.html": "<nav>" * 50_000 + "<p>" + BODY + "</p>",
    }
    for name, page in cases.items():
        (tmp_path / name).write_text(page)
    items = read(tmp_path)
    assert len(items) == len(cases)
    for item in items:
        assert isinstance(item, Failure) or item.text
