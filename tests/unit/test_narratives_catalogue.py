"""The shipped catalogue, user folders, validation, and the EUvsDisinfo importer."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from narratrace.narratives.catalogue import (
    CatalogueError,
    Narrative,
    load_catalogue,
    narrative_from_data,
    read_narrative,
    write_narrative,
)
from narratrace.narratives.importer import import_cases, read_cases

REQUIRED = {
    "staged-chemical-attacks-syria", "white-helmets-terrorists", "western-biolabs", "ukraine-nazi-regime",
    "bucha-staged", "nato-aggression-encirclement", "western-colour-revolutions", "mh17-ukraine",
    "skripal-staged", "navalny-poisoning-staged", "covid-us-bioweapon", "decaying-europe",
    "sanctions-hurt-europe", "ukraine-dirty-bomb", "baltic-russophobia", "western-media-lies",
}


def test_shipped_catalogue_covers_the_required_narratives() -> None:
    cat = load_catalogue([], strict=True)
    ids = {n.id for n in cat.narratives}
    assert len(ids) >= 25
    assert ids >= REQUIRED
    for n in cat.narratives:
        assert len(n.claims.get("en", ())) >= 2 and len(n.claims.get("fr", ())) >= 2, n.id
        assert n.summary and n.sources and n.first_seen, n.id
        assert n.neutral.get("en") and n.neutral.get("fr"), n.id
        assert Path(n.path or "").name == f"{n.id}.yaml"


def test_user_folder_overrides_and_extends(tmp_path: Path) -> None:
    mine = Narrative(id="bucha-staged", title="My Bucha", claims={"en": ("A claim.",)})
    extra = Narrative(id="my-new-one", title="New", claims={"fr": ("Une affirmation.",)})
    write_narrative(mine, tmp_path)
    write_narrative(extra, tmp_path)
    cat = load_catalogue([tmp_path])
    assert cat.get("bucha-staged").title == "My Bucha"  # type: ignore[union-attr]
    assert cat.get("my-new-one") is not None
    assert cat.get("mh17-ukraine") is not None
    assert load_catalogue([tmp_path], shipped=False).get("mh17-ukraine") is None


def test_roundtrip_and_refuses_overwrite(tmp_path: Path) -> None:
    n = Narrative(id="x-1", title="T", summary="S", claims={"en": ("c1", "c2")}, keywords={"en": ("k",)},
                  entities=("E",), first_seen="2020-01")
    path = write_narrative(n, tmp_path)
    back = read_narrative(path)
    assert back.claims == n.claims and back.keywords == n.keywords and back.first_seen == "2020-01"
    with pytest.raises(CatalogueError, match="already exists"):
        write_narrative(n, tmp_path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "t", "claims": {"en": ["c"]}}, "id"),
        ({"id": "../etc/passwd", "title": "t", "claims": {"en": ["c"]}}, "id"),
        ({"id": "ok", "claims": {"en": ["c"]}}, "title"),
        ({"id": "ok", "title": "t"}, "claim"),
        ({"id": "ok", "title": "t", "claims": {"en": [{"nested": 1}]}}, "list of strings"),
        (["not", "a", "mapping"], "mapping"),
    ],
)
def test_validation_errors_say_what_to_fix(data: object, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        narrative_from_data(data, "f.yaml")


def test_broken_user_file_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    cat = load_catalogue([tmp_path])
    assert any("bad.yaml" in e for e in cat.errors)
    assert len(cat.narratives) >= 25


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_import_euvsdisinfo_style_cases(tmp_path: Path) -> None:
    posts = tmp_path / "posts.csv"
    notes = tmp_path / "annotations.csv"
    _write_csv(posts, ["date", "id", "title", "countries", "keywords", "languages", "outlets"], [
        ["2021-03-02", "https://example.org/report/lake-poisoned-by-drones/", "Drones poisoned the lake",
         "['Latvia', 'Estonia']", "['Water', 'Drones']", "['Russian']",
         "['outlet-a.example', 'outlet-b.example']"],
        ["2021-03-05", "https://example.org/report/empty/", "", "", "", "", ""],
    ])
    _write_csv(notes, ["id", "summary", "disproof", "summary_links", "disproof_links"], [
        ["https://example.org/report/lake-poisoned-by-drones/", "Foreign drones poisoned a lake on purpose.",
         "No drones were reported; the water agency found normal values.", "['https://outlet-a.example/1']",
         "['https://checker.example/lake']"],
    ])
    narratives, skipped = read_cases(posts, notes)
    assert len(narratives) == 1 and skipped == ["row 3: no title and no summary"]
    n = narratives[0]
    assert n.id == "euvsd-lake-poisoned-by-drones"
    assert n.claims["en"] == ("Drones poisoned the lake", "Foreign drones poisoned a lake on purpose.")
    assert n.keywords["en"] == ("water", "drones") and n.entities == ("Latvia", "Estonia")
    assert n.debunks == ("https://checker.example/lake",) and n.first_seen == "2021-03-02"
    assert "outlet: outlet-a.example" in n.sources
    result = import_cases(posts, tmp_path / "cat", notes)
    assert [p.name for p in result.written] == ["euvsd-lake-poisoned-by-drones.yaml"]
    again = import_cases(posts, tmp_path / "cat", notes)
    assert not again.written and any("already" in s for s in again.skipped)
    assert load_catalogue([tmp_path / "cat"]).get("euvsd-lake-poisoned-by-drones") is not None
