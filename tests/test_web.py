"""The web app over real HTTP: a live uvicorn on 127.0.0.1 serving a real SQLite store."""

from __future__ import annotations

import html
import inspect
import json
import re
import threading
from pathlib import Path

import httpx
import pytest
from _live import live_server, seed_records
from _storyline import ARMS_TALKS, names_lines

from crosswire.settings import Settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
NEWS = SHARED / "data" / "giveme5w1h" / "news_cluster.jsonl"
# Small enough that the size-limit tests send little, large enough for the five seeds in one body.
LIMIT = 300_000

HOSTILE = {
    "id": "hostile-1",
    "title": '<script>document.title="pwned"</script> Council & budget',
    "source": "<b>Evil Outlet</b>",
    "url": "javascript:alert(1)",
    "text": (
        "The city council met on Monday to discuss the <script>window.pwned=1</script> budget for next year. "
        'Officials said the <img src=x onerror="window.pwned=2"> plan would pass next week after a vote. '
        "Critics disagreed with that view strongly and asked for more time to read the proposal."
    ),
}


@pytest.fixture(scope="session")
def base(tmp_path_factory) -> str:
    db = tmp_path_factory.mktemp("web") / "web.db"
    with live_server(db, Settings(max_request_bytes=LIMIT)) as url:
        yield url


@pytest.fixture(scope="session")
def client(base):
    with httpx.Client(base_url=base, timeout=300) as c:
        yield c


@pytest.fixture(scope="session")
def seeded(client) -> dict:
    response = client.post("/api/articles", json=seed_records(SEEDS))
    assert response.status_code == 201, response.text
    return response.json()


def _stories(client, **params) -> list[dict]:
    response = client.get("/api/stories", params=params)
    assert response.status_code == 200
    return response.json()["stories"]


def test_post_assigns_every_seed_to_one_story(client, seeded):
    ids = [r["id"] for r in seed_records(SEEDS)]
    assert [a["id"] for a in seeded["articles"]] == ids
    assert all(a["status"] == "added" and a["story"] for a in seeded["articles"])
    assert seeded["failures"] == [] and seeded["added"] == len(ids)
    listed = {a: s["id"] for s in _stories(client) for a in s["articles"]}
    for a in seeded["articles"]:
        assert listed[a["id"]] == a["story"]  # the answer names the story the article is listed in


def test_reposting_is_idempotent(client, seeded):
    before = seeded["total"]
    response = client.post("/api/articles", json=seed_records(SEEDS)[:2])
    assert response.status_code == 200
    body = response.json()
    assert body["added"] == 0 and body["total"] >= before
    assert [a["status"] for a in body["articles"]] == ["exists", "exists"]
    assert all(a["story"] for a in body["articles"])


def test_same_text_under_another_id_is_a_conflict(client, seeded):
    record = {**seed_records(SEEDS)[0], "id": "copy-of-first"}
    response = client.post("/api/articles", json=record)
    assert response.status_code == 409
    assert "duplicate" in response.json()["failures"][0]["reason"]


def test_story_list_shape_and_order(client, seeded):
    stories = _stories(client)
    assert stories
    for s in stories:
        assert {"id", "title", "articles", "outlets", "article_count", "first_published", "last_published"} <= set(s)
        assert s["article_count"] == len(s["articles"]) >= 1
    keys = [(s["date"] or "", s["id"]) for s in stories]
    assert keys == sorted(keys, reverse=True)  # newest first


def test_search_filters_by_title_and_text(client, seeded):
    everything = _stories(client)
    word = "Sochi"
    hits = _stories(client, q=word)
    assert 0 < len(hits) <= len(everything)
    for s in hits:
        texts = [client.get(f"/api/articles/{a}").json()["text"] for a in s["articles"]]
        assert any(word.lower() in t.lower() for t in [s["title"], *texts])
    assert _stories(client, q="xyzzy-not-a-word") == []
    page = client.get("/", params={"q": word})
    assert page.status_code == 200 and page.text.count('class="story-row"') == len(hits)


def test_story_json_is_the_brief_story_object(client, seeded):
    story_id = seeded["articles"][0]["story"]
    response = client.get(f"/api/stories/{story_id}")
    assert response.status_code == 200
    story = response.json()
    assert {"id", "title", "articles", "date", "place", "storyline", "summary", "quotes", "entities",
            "claims", "timeline"} <= set(story)
    assert story["id"] == story_id and story["summary"]
    texts = {a: client.get(f"/api/articles/{a}").json()["text"] for a in story["articles"]}
    for sentence in story["summary"]:
        assert sentence["citations"]
        for c in sentence["citations"]:
            assert c["article"] in texts and 0 <= c["start"] < c["end"] <= len(texts[c["article"]])


def test_story_page_shows_each_cited_sentence_marked_in_context(client, seeded):
    story_id = seeded["articles"][0]["story"]
    story = client.get(f"/api/stories/{story_id}").json()
    page = client.get(f"/stories/{story_id}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    marked = {html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", page.text, re.S)}
    markers = re.findall(r'class="cite" href="#(src-\d+)"', page.text)
    assert markers and all(f'id="{key}"' in page.text for key in markers)
    for sentence in story["summary"]:
        for c in sentence["citations"]:
            text = client.get(f"/api/articles/{c['article']}").json()["text"]
            assert text[c["start"] : c["end"]] in marked
    assert html.escape(story["title"], quote=False) in page.text


def test_article_page_highlights_cited_sentences(client, seeded):
    story_id = seeded["articles"][0]["story"]
    story = client.get(f"/api/stories/{story_id}").json()
    cite = story["summary"][0]["citations"][0]
    text = client.get(f"/api/articles/{cite['article']}").json()["text"]
    page = client.get(f"/articles/{cite['article']}", params={"at": f"{cite['start']}-{cite['end']}"})
    assert page.status_code == 200
    assert page.text.count('id="focus"') == 1
    runs = re.findall(r'<mark class="[^"]*\bfocus\b[^"]*"[^>]*>(.*?)</mark>', page.text, re.S)
    assert html.unescape("".join(runs)) == text[cite["start"] : cite["end"]]
    assert re.search(r'<mark class="[^"]*\bcited\b', client.get(f"/articles/{cite['article']}").text)


def test_unknown_ids_are_404(client):
    for path in ("/api/stories/nope", "/api/articles/nope"):
        response = client.get(path)
        assert response.status_code == 404 and "nope" in response.json()["error"]
    for path in ("/stories/nope", "/articles/nope", "/no/such/page"):
        response = client.get(path)
        assert response.status_code == 404 and "text/html" in response.headers["content-type"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"\xff\xfe\x00garbage", 400, "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "JSON"),
        (b"42", 422, "article object"),
        (b'"text"', 422, "article object"),
        (b"[]", 422, "no articles"),
        (b'{"title": "no body"}', 422, "text"),
        (b'[1, 2]', 422, "not a JSON object"),
        (b'{"id": "tiny", "text": "Too short."}', 422, "tiny"),
    ],
)
def test_bad_bodies_get_clear_4xx_json(client, body, status, words):
    response = client.post("/api/articles", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    data = response.json()
    assert "error" in data
    assert words.lower() in json.dumps(data).lower()


def test_oversized_body_is_refused_before_reading(client):
    big = json.dumps({"id": "big", "text": "word " * (LIMIT // 4)}).encode()
    response = client.post("/api/articles", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "limit" in response.json()["error"]


def test_oversized_chunked_body_is_refused(client):
    def chunks():  # no Content-Length: the server must count while reading
        yield b'{"id": "big", "text": "'
        for _ in range(LIMIT // 10_000 + 2):
            yield b"x" * 10_000
        yield b'"}'

    response = client.post("/api/articles", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_hostile_markup_is_escaped_everywhere(client):
    response = client.post("/api/articles", json=HOSTILE)
    assert response.status_code == 201, response.text
    story_id = response.json()["articles"][0]["story"]
    stored = client.get(f"/api/articles/{HOSTILE['id']}").json()
    assert "<script>" in stored["title"] + stored["text"]  # the raw markup is kept as text...
    pages = [client.get("/"), client.get("/", params={"q": "council"}), client.get(f"/stories/{story_id}"),
             client.get(f"/articles/{HOSTILE['id']}")]
    for page in pages:
        assert page.status_code == 200
        assert "<script>document" not in page.text and "<script>window" not in page.text  # ...never as markup
        assert "<img src=x" not in page.text and "<b>Evil" not in page.text
        assert 'href="javascript:' not in page.text
        assert "&lt;script&gt;" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"


def test_concurrent_posts_store_each_article_once(client, seeded):
    records = [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines()[:12]]
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def post(record: dict) -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=300) as own:
            r = own.post("/api/articles", json=record)
        with lock:
            answers.append(r)

    threads = [threading.Thread(target=post, args=(r,)) for r in records]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The dataset repeats some articles under other ids: those are refused as duplicates (409).
    assert {r.status_code for r in answers} <= {201, 409}, [r.text for r in answers]
    assert all("duplicate" in r.json()["failures"][0]["reason"] for r in answers if r.status_code == 409)
    posted = [r.json()["articles"][0]["id"] for r in answers if r.status_code == 201]
    assert len(posted) >= len(records) - 2
    listed = [a for s in _stories(client) for a in s["articles"]]
    for article_id in posted:
        assert listed.count(article_id) == 1  # stored and assigned to exactly one story


def test_openapi_documents_the_api(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles"} <= set(spec["paths"])
    body = spec["paths"]["/api/articles"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "oneOf" in body
    assert client.get("/docs").status_code == 200


def test_server_binds_loopback_by_default():
    from crosswire import cli

    assert inspect.signature(cli.serve).parameters["host"].default == "127.0.0.1"


def test_story_page_does_not_wait_for_a_reanalysis(tmp_path):
    """After an article joins an analysed story, its page answers at once with the previous analysis,
    says what is pending, and shows the new briefing once the background analysis is done."""
    import time

    record = json.loads(NEWS.read_text(encoding="utf-8").splitlines()[200])
    update = {**record, "dId": f"{record['dId']}-update",
              "text": record["text"] + "\nOfficials said more details would be released later this week."}
    with live_server(tmp_path / "fresh.db") as url, httpx.Client(base_url=url, timeout=300) as c:
        story_id = c.post("/api/articles", json=record).json()["articles"][0]["story"]
        assert "being read" not in c.get(f"/stories/{story_id}").text  # analysed while we waited
        joined = c.post("/api/articles", json=update).json()["articles"][0]
        assert joined["story"] == story_id  # a near-copy joins its story; the earlier article founds it
        page = c.get(f"/stories/{story_id}")
        assert page.status_code == 200 and "1 new article joined this story" in page.text
        deadline = time.monotonic() + 240
        while "being read" in page.text and time.monotonic() < deadline:
            time.sleep(0.5)
            page = c.get(f"/stories/{story_id}")
        assert "being read" not in page.text
        assert page.text.count('<li><span class="num">') == 2  # both articles are now sources


def test_storyline_names_spelled_differently_are_shown_escaped(tmp_path):
    """Two stories of one storyline spell Lavrov differently: the index says so under the storyline
    heading, the story page too, and the markup in a story title stays text."""
    with live_server(tmp_path / "names.db") as url, httpx.Client(base_url=url, timeout=300) as c:
        assert c.post("/api/articles", json=ARMS_TALKS).status_code == 201
        listing = c.get("/api/stories").json()
        (line,) = listing["storylines"]
        assert len(line["stories"]) == 2  # one matter, two occurrences: one storyline of two stories
        stories = {s["id"]: s for s in listing["stories"]}
        beijing = stories[c.get("/api/articles/arms-beijing-1").json()["story"]]
        geneva = next(s for s in stories.values() if s["id"] != beijing["id"])

        (names,) = names_lines(c, "/")
        text = html.unescape(re.sub(r"<[^>]+>", "", names))
        assert "Sergei Lavrov / Sergey Lavrov" in text
        for s in (geneva, beijing):
            assert f'href="/stories/{s["id"]}"' in names and f'{s["place"]} story' in text
        assert "&lt;script&gt;window.pwned" in names and "<script" not in names  # the title, as text
        assert "names-across" not in c.get("/", params={"q": "Wang Yi"}).text  # one story shown: no line

        (own,) = names_lines(c, f"/stories/{beijing['id']}", wait=0)
        text = html.unescape(re.sub(r"<[^>]+>", "", own))
        assert "Sergei Lavrov / Sergey Lavrov" in text and "this story" in text
        assert f'href="/stories/{geneva["id"]}"' in own and f'href="/stories/{beijing["id"]}"' not in own
