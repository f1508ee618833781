"""Each article's texts are encoded once, in the per-article workers, and never again.

The stories stage used to encode every article's chunks (pooled vector) and sentences
(translation evidence) itself, and the sentences of stored neighbours again on every run.
Now the workers hand it the pooled vector and the stored sentence vectors; these tests
prove it does no encoding of its own and that the records are the same as when it did.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from narratrace import pipeline
from narratrace.config import Settings
from narratrace.embed.encoder import USEEncoder
from narratrace.embed.sentences import sentence_key
from narratrace.pipeline import analyze
from narratrace.records import to_dict
from narratrace.store import open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"
SETTINGS = Settings(analysers=("language.v1", "metadata.v1", "narratives.v1"), corpus=("stories.v1",))


def _records(db: str) -> list[dict[str, Any]]:
    return sorted((to_dict(a) for a in open_store(db).articles.iter()), key=lambda r: r["id"])


@pytest.mark.slow
def test_the_corpus_stage_encodes_nothing_and_no_text_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    phase = {"corpus": False}
    seen: dict[bool, Counter[str]] = {False: Counter(), True: Counter()}
    original_encode = USEEncoder.encode
    original_corpus = pipeline.run_corpus_stages

    def counting(self: USEEncoder, texts: Any) -> Any:
        seen[phase["corpus"]].update(texts)
        return original_encode(self, texts)

    def corpus(*args: Any, **kwargs: Any) -> None:
        phase["corpus"] = True
        try:
            original_corpus(*args, **kwargs)
        finally:
            phase["corpus"] = False

    monkeypatch.setattr(USEEncoder, "encode", counting)
    monkeypatch.setattr(pipeline, "run_corpus_stages", corpus)
    db = str(tmp_path / "once.db")
    summary = analyze([str(EXAMPLES)], db, SETTINGS, jobs=1)
    assert summary.accepted >= 16 and not summary.corpus_errors
    assert seen[True] == Counter(), "the stories stage encoded texts the workers had encoded"
    store = open_store(db)
    ids = [a.id for a in store.articles.iter()]
    assert store.vectors.sentence_ids(sentence_key(), ids) == set(ids)
    # a text encoded twice in one run can only be one that two articles share (a copy, a quote)
    texts = [f"{a.title or ''}\n{a.body}" for a in store.articles.iter()]
    twice = [t for t, k in seen[False].items() if k > 1 and sum(t in x for x in texts) < 2]
    assert twice == []


@pytest.mark.slow
def test_same_records_as_when_the_stage_encoded_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = str(tmp_path / "new.db")
    analyze([str(EXAMPLES)], new, SETTINGS, jobs=1)
    monkeypatch.setattr(pipeline, "_preparers", lambda settings: ())
    pipeline._STAGE_CACHE.clear()
    try:
        old = str(tmp_path / "old.db")
        analyze([str(EXAMPLES)], old, SETTINGS, jobs=1)
    finally:
        pipeline._STAGE_CACHE.clear()
    assert _records(new) == _records(old)
    assert any(r["duplicate_of"] for r in _records(new))  # copies and translations were found
