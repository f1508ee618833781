"""Cleaning on real pages: must-keep sentences kept, debris lines removed, comments found.

    python bench/eval_cleaning.py [--split holdout|train|all] [--mode both|html|text] [--pages PATH]

Each page of ``../shared/eval/cleaning/pages.jsonl`` is cleaned twice: as the HTML page
and as pasted text (the page's rendered text, what a browser copy gives). Labels come
from the page's expected article text (``bench/cleaning_data.py``):

* must-keep: the expected text's sentences of 6+ words; kept when they are in the
  title or body of the cleaned article;
* debris: the distinct rendered lines whose words are not in the expected text (menus,
  share rows, footers, comment threads); removed when they are not a line of the body
  (lines of 4+ words: not inside it either);
* comments: on the pages labelled by hand as carrying reader comments
  (``eval/cleaning/comment_pages.json``), found when at least one comment comes back in
  ``comments`` that is not also in the body.

The held-out split (sites never used for fitting or tuning) is the default. Figures
are micro averages (every sentence / line counts once) with the per-page macro beside.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cleaning_data import Page, label_line, load_pages, must_keep, norm_tokens, render_text
from cleaning_data import Reference as Ref

from narratrace.clean.pipeline import RuleCleaner
from narratrace.records import Article, RawItem, SourceRef


@dataclass
class Score:
    keep_total: int = 0
    keep_hit: int = 0
    debris_total: int = 0
    debris_removed: int = 0
    pages: int = 0
    page_keep: list[float] = field(default_factory=list)
    page_debris: list[float] = field(default_factory=list)
    comment_pages: int = 0
    comment_found: int = 0
    spurious_comments: int = 0  # pages without comments that got some

    def add(self, other: Score) -> None:
        for name in ("keep_total", "keep_hit", "debris_total", "debris_removed", "pages", "comment_pages",
                     "comment_found", "spurious_comments"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.page_keep += other.page_keep
        self.page_debris += other.page_debris

    def line(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{100 * a / b:5.1f}%" if b else "   n/a"

        def mean(xs: list[float]) -> str:
            return f"{100 * sum(xs) / len(xs):5.1f}%" if xs else "   n/a"

        return (
            f"runs={self.pages:3d} kept={pct(self.keep_hit, self.keep_total)} (page mean {mean(self.page_keep)}, "
            f"{self.keep_total} sentences) debris_removed={pct(self.debris_removed, self.debris_total)} "
            f"(page mean {mean(self.page_debris)}, {self.debris_total} lines) "
            f"comments_found={self.comment_found}/{self.comment_pages} spurious={self.spurious_comments}"
        )


def score_page(page: Page, article: Article | None, rendered: str) -> Score:
    s = Score(pages=1)
    kept = (article.title or "") + "\n" + article.body if article else ""
    kept_dense = "".join(norm_tokens(kept))
    for sent in must_keep(page.expected):
        s.keep_total += 1
        s.keep_hit += "".join(norm_tokens(sent)) in kept_dense
    body = article.body if article else ""
    body_ref = Ref.of(body)
    ref = Ref.of(page.expected)
    seen: set[str] = set()
    for line in rendered.split("\n"):
        toks = norm_tokens(line)
        key = " ".join(toks)
        if not toks or key in seen or label_line(line, ref) != "debris":
            continue
        seen.add(key)
        s.debris_total += 1
        long_line = len(toks) >= 4 or len("".join(toks)) >= 12
        remains = key in body_ref.paragraphs or (long_line and body_ref.contains(toks))
        s.debris_removed += not remains
    if s.keep_total:
        s.page_keep.append(s.keep_hit / s.keep_total)
    if s.debris_total:
        s.page_debris.append(s.debris_removed / s.debris_total)
    comments = list(article.comments) if article else []
    outside = [c for c in comments if not body_ref.contains(norm_tokens(c.text)[:12])]
    if page.comments:
        s.comment_pages = 1
        s.comment_found = int(bool(outside))
    elif comments:
        s.spurious_comments = 1
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["holdout", "train", "all"], default="holdout")
    ap.add_argument("--mode", choices=["both", "html", "text"], default="both")
    ap.add_argument("--pages", type=Path, default=None)
    ap.add_argument("--show", action="store_true", help="one line per page (ids and figures, no page text)")
    args = ap.parse_args(argv)
    pages = [p for p in load_pages(args.pages) if args.split == "all" or p.holdout == (args.split == "holdout")]
    cleaner = RuleCleaner()
    modes = ["html", "text"] if args.mode == "both" else [args.mode]
    total = Score()
    by_mode: dict[str, Score] = defaultdict(Score)
    by_lang: dict[str, Score] = defaultdict(Score)
    by_source: dict[str, Score] = defaultdict(Score)
    start = time.perf_counter()
    for page in pages:
        rendered = render_text(page.html)
        for mode in modes:
            if mode == "html":
                item = RawItem(source=SourceRef(url=page.url), fmt="html", html=page.html)
            else:
                item = RawItem(source=SourceRef(url=page.url), fmt="txt", text=rendered)
            out = cleaner(item)
            s = score_page(page, out if isinstance(out, Article) else None, rendered)
            for agg in (total, by_mode[mode], by_lang[page.lang], by_source[page.id.split("-", 1)[0]]):
                agg.add(s)
            if args.show:
                print(f"  {page.id:55s} {mode:4s} {page.lang} {s.line()}")
    secs = time.perf_counter() - start
    print(f"split={args.split} pages={len(pages)} sites={len({p.site for p in pages})} "
          f"languages={len({p.lang for p in pages})} modes={','.join(modes)} seconds={secs:.1f}")
    for mode, s in sorted(by_mode.items()):
        print(f"mode {mode:5s} {s.line()}")
    for src, s in sorted(by_source.items()):
        print(f"source {src:12s} {s.line()}")
    for lang, s in sorted(by_lang.items()):
        print(f"lang {lang} {s.line()}")
    print(f"TOTAL {total.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
