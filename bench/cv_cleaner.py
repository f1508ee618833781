"""Site-fold cross-validation of the whole pasted-text cleaner on the training pages.

    python bench/cv_cleaner.py

The choices of the line model (features, selection constants) are made on these
figures, never on the held-out split: for each of ``fit_cleaner.FOLDS`` folds (by
site), the line model is fitted on the other folds' pages exactly as
``bench/fit_cleaner.py`` fits the shipped one, and the whole cleaner then runs on the
fold's pages as pasted text, scored as ``bench/eval_cleaning.py`` scores them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cleaning_data import load_pages, render_text
from eval_cleaning import Score, score_page
from fit_cleaner import FOLDS, fit_models, fold_of, model_data, page_rows

from narratrace.clean import text as text_module
from narratrace.clean.lines import LineModel
from narratrace.clean.pipeline import RuleCleaner
from narratrace.records import Article, RawItem, SourceRef


def main() -> int:
    start = time.perf_counter()
    rows = page_rows()
    pages = [p for p in load_pages() if not p.holdout]
    total = Score()
    for k in range(FOLDS):
        train = [r for r in rows if fold_of(r[0]) != k]
        p1, p2, _ = fit_models(train)
        model = LineModel.from_dict(model_data(p1, p2))
        text_module.shipped_model = lambda model=model: model  # type: ignore[assignment]
        cleaner = RuleCleaner()
        fold = Score()
        for page in pages:
            if fold_of(page.site) != k:
                continue
            rendered = render_text(page.html)
            out = cleaner(RawItem(source=SourceRef(url=page.url), fmt="txt", text=rendered))
            fold.add(score_page(page, out if isinstance(out, Article) else None, rendered))
        print(f"fold {k} {fold.line()}")
        total.add(fold)
    print(f"site-fold CV text mode {total.line()} seconds={time.perf_counter() - start:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
