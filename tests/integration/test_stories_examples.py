"""The bundled example corpus: stories and copy/translation links as in examples/corpus/TRUTH.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from narratrace.config import Settings
from narratrace.pipeline import analyze
from narratrace.records import Article
from narratrace.store import open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"


def _name(article: Article) -> str:
    """TRUTH.yaml's name: the file, plus ``#id`` (JSONL) or ``#index`` (feeds)."""
    path = Path(article.source.path or "")
    if path.suffix == ".jsonl":
        return f"{path.name}#{article.external_id}"
    if path.suffix == ".xml":
        return f"{path.name}#{(article.source.line or 1) - 1}"
    return path.name


@pytest.mark.slow
def test_example_stories_and_relations(tmp_path: Path) -> None:
    truth = yaml.safe_load((EXAMPLES / "TRUTH.yaml").read_text(encoding="utf-8"))
    db = str(tmp_path / "examples.db")
    settings = Settings(analysers=("language.v1", "metadata.v1"), corpus=("stories.v1",))
    analyze([str(EXAMPLES)], db, settings, jobs=1)
    arts = {_name(a): a for a in open_store(db).articles.iter()}

    predicted = {}
    for a in arts.values():
        predicted.setdefault(a.story_id, set()).add(_name(a))
    expected = [set(members) for members in truth["stories"].values()]
    assert sorted(map(sorted, predicted.values())) == sorted(map(sorted, expected))

    found = {(name, r.kind, _name(next(x for x in arts.values() if x.id == r.article_id)))
             for name, a in arts.items() for r in a.relations}
    assert found == {(r["file"], r["kind"], r["of"]) for r in truth["relations"]}



@pytest.mark.slow
def test_provenance_roles_follow_the_texts_before_the_credits(tmp_path: Path) -> None:
    """OCM republishes the Veilleur translation and credits its translator: a republication."""
    import shutil

    from narratrace.provenance import provenance

    chain = tmp_path / "chain"
    chain.mkdir()
    for name in ("a01_en_tass_briefing.txt", "a03_fr_veilleur_translation.txt", "a04_fr_ocm_republication.txt"):
        shutil.copy(EXAMPLES / name, chain / name)
    db = str(tmp_path / "chain.db")
    analyze([str(chain)], db, Settings(), jobs=1)
    arts = {_name(a): a for a in open_store(db).articles.iter()}
    ocm = arts["a04_fr_ocm_republication.txt"]
    assert [r.kind for r in ocm.relations] == ["republished_from"]
    assert "translated_by" in {t.kind for t in ocm.attributions}  # it names its translator
    roles = {t["article_id"]: t["role"] for t in (provenance(open_store(db), ocm.story_id or "") or {})["timeline"]}
    assert roles[ocm.id] == "republication"
    assert roles[arts["a03_fr_veilleur_translation.txt"].id] == "translation"
