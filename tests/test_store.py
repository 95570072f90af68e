from crosswire.records import Article, Failure, Story, Storyline
from crosswire.store import Store, content_hash


def _art(i, text, **kw):
    return Article(id=i, text=text, origin=f"{i}.txt", **kw)


def test_articles_round_trip_and_dedupe(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        with store.transaction() as conn:
            added, dupes = store.add_articles(conn, [_art("a", "One text.", source="x.com", published="2020-01-02"),
                                                      _art("b", "Other  text.")])
        assert [a.id for a in added] == ["a", "b"] and dupes == []
        with store.transaction() as conn:
            added, dupes = store.add_articles(conn, [_art("c", "One   text."), _art("a", "One text.")])
        assert added == []
        assert len(dupes) == 1 and "duplicate of stored article 'a'" in dupes[0].reason
    with Store(db) as store:  # reopened from the file
        got = store.articles()
        assert [a.id for a in got] == ["a", "b"]
        assert got[0].source == "x.com" and got[0].published == "2020-01-02"
        assert store.article("b").text == "Other  text."


def test_failed_transaction_leaves_nothing(tmp_path):
    with Store(tmp_path / "s.db") as store:
        try:
            with store.transaction() as conn:
                store.add_articles(conn, [_art("a", "Text one.")])
                raise RuntimeError("crash")
        except RuntimeError:
            pass
        assert store.article_count() == 0


def test_grouping_results_and_state(tmp_path):
    with Store(tmp_path / "s.db") as store:
        with store.transaction() as conn:
            store.add_articles(conn, [_art("a", "A."), _art("b", "B."), _art("c", "C.")])
            store.replace_grouping(
                conn,
                [Story("s1", "First", ("a", "b"), date="2019-05-14", storyline="L"),
                 Story("s2", "Second", ("c",), date="2019-12-10", storyline="L")],
                [Storyline("L", "Talks", ("s1", "s2"))],
            )
            store.save_state(conn, "g", b"\x00state")
            store.add_failures(conn, [Failure("x.bin", "binary file")])
        assert [s.id for s in store.stories()] == ["s2", "s1"]  # newest first
        assert store.stories()[1].articles == ("a", "b")
        assert store.storylines()[0].stories == ("s1", "s2")
        assert store.load_state("g") == b"\x00state"
        assert store.failures() == [Failure("x.bin", "binary file")]
        store.save_result("s1", "story", "fp1", {"k": 1})
        assert store.load_result("s1", "story", "fp1") == {"k": 1}
        assert store.load_result("s1", "story", "fp2") is None


def test_content_hash_folds_whitespace():
    assert content_hash("a  b\nc") == content_hash("a b c")
    assert content_hash("a b") != content_hash("a c")


def test_a_stored_analysis_is_served_until_the_summarizer_changes(tmp_path, monkeypatch):
    from conftest import SEEDS

    import crosswire.summarize
    from crosswire import api
    from crosswire.settings import Settings

    db = tmp_path / "news.db"
    settings = Settings()
    api.ingest([str(SEEDS)], settings, db)
    with Store(db) as store:
        story = store.stories()[0]
        assert api.cached_story(store, story.id, settings) is None
        fresh, _ = api.stored_story(store, story.id, settings)
        cached = api.cached_story(store, story.id, settings)
        assert cached is not None and cached.to_json() == fresh.to_json()
        # a new summarizer version must not be answered from the old analysis
        monkeypatch.setattr(crosswire.summarize, "VERSION", crosswire.summarize.VERSION + "-next")
        assert api.cached_story(store, story.id, settings) is None
