"""End to end in headless Chromium: the seeds posted over HTTP, the Sochi story read like a person would."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from _live import live_server, seed_records
from _storyline import ARMS_TALKS, names_lines

from crosswire.settings import Settings

pytestmark = pytest.mark.browser

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.json"
CHROMIUM = Path("/usr/bin/chromium")
# Flags for a container: no sandbox (we run as root), no GPU, and nothing that phones home.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

HOSTILE = {
    "id": "hostile-browser",
    "title": '<script>document.title="pwned"</script> Harbour plan <img src=x onerror="window.pwned=3">',
    "url": "javascript:window.pwned=4",
    "text": (
        "The harbour authority presented its expansion plan on Thursday to the regional assembly. "
        "<script>window.pwned = 1; alert('xss')</script> Members said the <img src=x onerror=\"window.pwned=2\"> "
        "proposal would be voted on next month. Fishermen warned that the new quay would cut their catch."
    ),
}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"headless Chromium is missing ({CHROMIUM}); install it: apt-get install -y chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("browser") / "web.db", Settings()) as url:
        with httpx.Client(base_url=url, timeout=300) as client:
            assert client.post("/api/articles", json=seed_records(SEEDS)).status_code == 201
            assert client.post("/api/articles", json=HOSTILE).status_code == 201
        yield url


def _sochi_story(base: str) -> dict:
    """The stored story that best matches the hand-made Sochi story (its member articles)."""
    gold = next(s for s in json.loads(GOLD.read_text(encoding="utf-8"))["stories"] if s["place"] == "Sochi")
    with httpx.Client(base_url=base, timeout=300) as client:
        stories = client.get("/api/stories").json()["stories"]
        best = max(stories, key=lambda s: sum(a.split("_")[0] in gold["docs"] for a in s["articles"]))
        story = client.get(f"/api/stories/{best['id']}").json()
        story["texts"] = {a: client.get(f"/api/articles/{a}").json()["text"] for a in story["articles"]}
    return story


def _cited(story: dict, sentence: dict) -> set[str]:
    return {story["texts"][c["article"]][c["start"] : c["end"]] for c in sentence["citations"]}


def test_clicking_a_citation_shows_the_sentence_highlighted_in_its_article(browser, base, tmp_path):
    from playwright.sync_api import expect

    story = _sochi_story(base)
    assert story["summary"], "the Sochi story has no summary"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/stories/{story['id']}")
    expect(page.locator("h1")).to_have_text(story["title"])
    for n, sentence in enumerate(story["summary"][:3]):
        marker = page.locator(".summary .sent").nth(n).locator(".cite").first
        marker.click()
        snippet = page.locator(f"#{marker.get_attribute('data-snippet')}")
        expect(snippet).to_be_visible()
        mark = snippet.locator("mark")
        expect(mark).to_be_in_viewport()
        assert mark.inner_text().strip() in {t.strip() for t in _cited(story, sentence)}
        expect(marker).to_have_class("cite active")
    page.screenshot(path=str(tmp_path / "sochi-story.png"))
    assert (tmp_path / "sochi-story.png").stat().st_size > 10_000
    assert errors == []


def test_hover_previews_and_phone_width_gets_a_bottom_sheet(browser, base):
    from playwright.sync_api import expect

    story = _sochi_story(base)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/stories/{story['id']}")
    last = page.locator(".summary .cite").last
    last.hover()
    expect(page.locator(f"#{last.get_attribute('data-snippet')} mark")).to_be_visible()

    phone = browser.new_page(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    phone.goto(f"{base}/stories/{story['id']}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    marker = phone.locator(".summary .cite").first
    marker.tap()
    mark = phone.locator(f"#{marker.get_attribute('data-snippet')} mark")
    expect(mark).to_be_in_viewport()
    assert mark.inner_text().strip() in {t.strip() for t in _cited(story, story["summary"][0])}
    phone.locator(".panel .close").tap()
    expect(phone.locator(".panel")).not_to_have_class("panel open")


def test_script_in_an_article_never_runs(browser, base):
    from playwright.sync_api import expect

    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with httpx.Client(base_url=base, timeout=300) as client:
        story_id = client.get(f"/api/articles/{HOSTILE['id']}").json()["story"]
    for path in ("/", "/?q=harbour", f"/stories/{story_id}", f"/articles/{HOSTILE['id']}"):
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.pwned === undefined"), path
        assert page.title() != "pwned"
        expect(page.locator("body")).to_contain_text("<script>document.title")  # shown as text
    page.goto(f"{base}/articles/{HOSTILE['id']}")
    expect(page.locator(".body")).to_contain_text("<script>window.pwned = 1;")
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert dialogs == []


def test_storyline_names_line_is_visible_under_its_heading(browser, tmp_path):
    from playwright.sync_api import expect

    with live_server(tmp_path / "names.db") as url, httpx.Client(base_url=url, timeout=300) as client:
        assert client.post("/api/articles", json=ARMS_TALKS).status_code == 201
        assert names_lines(client, "/")  # the server has analysed the storyline's stories
        page = browser.new_page(viewport={"width": 390, "height": 800}, is_mobile=True)
        page.goto(url + "/")
        line = page.locator(".storyline .names-across")
        expect(line).to_be_visible()
        expect(line).to_contain_text("Sergei Lavrov / Sergey Lavrov")
        assert page.evaluate("window.pwned === undefined")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the line wraps on a phone
        page.close()
