"""`narratives import-labelled`: narratives learnt from labelled documents, then matched by analyze.

The example documents are the team's own short texts (two narratives, one with two
subnarratives, and unrelated "Other" news), in English, French and German.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from narratrace.cli import cli
from narratrace.narratives.catalogue import load_catalogue
from narratrace.narratives.labelled import f1_samples

pytestmark = pytest.mark.slow

A = "TEST: Energy blackmail"
A1 = "TEST: Energy blackmail: Gas will be cut off in winter"
A2 = "TEST: Energy blackmail: Prices will ruin households"
B = "TEST: Space hoax"
TAXONOMY = {"narratives": [A, B, "Other"], "subnarratives": [A1, A2, f"{A}: Other", f"{B}: Other", "Other"]}

GAS = [
    "Europe will freeze this winter: the gas taps will be closed and homes left without heating.",
    "Officials admit the pipeline could be shut in December, leaving cities without gas for heating.",
    "Cet hiver, le gaz sera coupé et les Européens grelotteront sans chauffage.",
    "Im Winter wird das Gas abgedreht, die Wohnungen bleiben kalt.",
    "Without Russian gas the heating stops in January, the minister warned pensioners.",
    "Gas supplies will be cut in the coldest weeks and radiators will stay cold.",
]
PRICES = [
    "Electricity bills will triple and families will have to choose between food and heating.",
    "Energy prices will ruin households and small shops across the continent this year.",
    "Les factures d'énergie vont ruiner les ménages et les petits commerces.",
    "Die Strompreise werden die Familien ruinieren, warnen Verbraucherschützer.",
    "Households cannot pay the new energy tariffs, and bakeries close one after another.",
    "Heating costs will bankrupt ordinary families before spring.",
]
SPACE = [
    "The moon landing was filmed in a studio and the astronauts never left Earth.",
    "Les images de l'alunissage ont été tournées dans un studio du désert.",
    "Die Mondlandung war eine Inszenierung in einem Filmstudio.",
    "The rocket launches are faked with computer graphics; nobody has been to space.",
    "Photos from the space station are montages produced by a film crew.",
    "The astronauts' footage was staged in a hangar, a former engineer says.",
]
OTHER = [
    "The city council approved a new cycling lane along the river on Tuesday.",
    "Le club de football local a remporté le championnat régional dimanche.",
    "Die Bibliothek verlängert ihre Öffnungszeiten im Sommer.",
    "A bakery in the old town celebrated its hundredth anniversary with free bread.",
    "The school choir performed at the spring festival in the main square.",
    "Rain is expected at the weekend, with temperatures around twelve degrees.",
]


def _lines() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for k, text in enumerate(GAS):
        rows.append({"id": f"gas-{k}", "lang": "en", "text": text, "narratives": [A], "subnarratives": [A1]})
    for k, text in enumerate(PRICES):
        rows.append({"id": f"price-{k}", "lang": "en", "text": text, "narratives": [A], "subnarratives": [A2]})
    for k, text in enumerate(SPACE):
        rows.append({"id": f"space-{k}", "lang": "en", "text": text, "narratives": [B],
                     "subnarratives": [f"{B}: Other"]})
    for k, text in enumerate(OTHER):
        rows.append({"id": f"other-{k}", "lang": "en", "text": text, "narratives": ["Other"],
                     "subnarratives": ["Other"]})
    return rows


def test_import_labelled_then_analyze_reports_the_labels(tmp_path: Path) -> None:
    examples = tmp_path / "train.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in _lines()]
    lines.insert(3, "{not json")  # reported and skipped, the rest is imported
    examples.write_text("\n".join(lines) + "\n", encoding="utf-8")
    taxonomy = tmp_path / "taxonomy.json"
    taxonomy.write_text(json.dumps(TAXONOMY), encoding="utf-8")
    cat = tmp_path / "catalogue"
    runner = CliRunner()
    res = runner.invoke(cli, ["narratives", "import-labelled", str(examples), "--taxonomy", str(taxonomy),
                              "--catalog", str(cat), "--json"])
    assert res.exit_code == 1, res.output  # one line rejected
    assert "line 4: not a JSON object" in res.output
    info = json.loads(res.output.strip().splitlines()[-1])
    assert info["documents"] == 24 and info["narratives"] == 4
    assert (cat / "narrative-head.npz").is_file()

    catalogue = load_catalogue([cat], shipped=False, strict=True)
    by_title = {n.title: n for n in catalogue.narratives}
    assert set(by_title) == {A, A1, A2, B}  # "Other" and "<narrative>: Other" are not narratives
    assert by_title[A1].parent == by_title[A].id and by_title[A2].parent == by_title[A].id
    assert by_title[A].parent is None

    # new texts, not among the examples, in three languages
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gas.txt").write_text("The gas will be switched off in February and flats will go cold, "
                                  "residents were told.\n", encoding="utf-8")
    (docs / "moon.txt").write_text("Die Astronauten waren nie auf dem Mond; die Bilder stammen aus "
                                   "einem Studio.\n", encoding="utf-8")
    (docs / "park.txt").write_text("Le parc municipal rouvre ses portes après des travaux de "
                                   "rénovation des allées.\n", encoding="utf-8")
    config = tmp_path / "narratrace.toml"
    config.write_text(f'[catalogue]\nfolders = ["{cat}"]\nshipped = false\n', encoding="utf-8")
    db = str(tmp_path / "a.db")
    res = runner.invoke(cli, ["analyze", str(docs), "--db", db, "--config", str(config), "--no-progress"])
    assert res.exit_code == 0, res.output
    from narratrace.store import open_store

    found = {Path(a.source.path or "").name: {m.title for m in a.narratives} for a in open_store(db).articles.iter()}
    assert A in found["gas.txt"] and A1 in found["gas.txt"]
    assert B in found["moon.txt"] and A not in found["moon.txt"]
    assert found["park.txt"] == set()


def test_f1_samples_is_the_task_metric() -> None:
    # per document F1 of the label sets, "Other" standing for the empty set, averaged
    assert f1_samples([{"a"}, set()], [{"a"}, set()]) == 1.0
    assert f1_samples([{"a", "b"}], [{"a"}]) == pytest.approx(2 / 3)
    assert f1_samples([set()], [{"a"}]) == 0.0
