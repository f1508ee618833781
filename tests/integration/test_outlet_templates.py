"""Outlet templates (issue 15): a site's own furniture, repeated across its articles, is learnt
from the articles already stored and removed from the next ones as ``outlet_template``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narratrace.config import Settings
from narratrace.pipeline import analyze
from narratrace.store import open_store

pytestmark = pytest.mark.slow
FURNITURE = ["Rejoignez notre canal Mastodon pour ne rien manquer",
             "Notre rédaction vérifie chaque information publiée"]
STORIES = [
    ("Le conseil vote le budget", "Le conseil municipal a voté mardi le budget de l'année prochaine.",
     "Les élus de l'opposition ont voté contre."),
    ("Travaux sur le pont", "Les travaux de réparation du vieux pont commenceront en mai.",
     "La circulation sera déviée par le quai nord."),
    ("La chorale chante", "La chorale de l'école a chanté au festival du printemps dimanche.",
     "Les parents ont applaudi longuement les enfants."),
    ("Nouvelle bibliothèque", "La bibliothèque ouvrira une nouvelle salle de lecture en juin.",
     "Elle sera ouverte le soir jusqu'à vingt heures."),
    ("Marché du samedi", "Le marché du samedi accueille douze nouveaux producteurs locaux.",
     "Les fromagers de la vallée y tiendront un stand."),
]


def test_the_outlets_furniture_is_learnt_and_removed_from_its_next_articles(tmp_path: Path) -> None:
    lines = []
    for k, (title, text, more) in enumerate(STORIES):
        body = f"{text}\n\n{FURNITURE[0]}\n\n{more}\n\n{FURNITURE[1]}"
        lines.append(json.dumps({"id": f"v{k}", "title": title, "text": body, "outlet": "Le Veilleur local"},
                                ensure_ascii=False))
    # another outlet uses the same words once: its article keeps them (templates are per outlet)
    lines.append(json.dumps({"id": "o1", "title": "Ailleurs", "outlet": "Autre journal",
                             "text": f"Un article d'un autre site.\n\n{FURNITURE[0]}"}, ensure_ascii=False))
    src = tmp_path / "items.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "t.db")
    summary = analyze([str(src)], db, Settings(analysers=("language.v1",), corpus=()), jobs=1)
    assert summary.accepted == 6
    arts = {a.external_id: a for a in open_store(db).articles.iter()}
    for k in range(3):  # learnt from these: counted, kept
        assert FURNITURE[0] in arts[f"v{k}"].body
    for k in (3, 4):  # the outlet's next articles: removed and recorded, the article itself intact
        art = arts[f"v{k}"]
        assert FURNITURE[0] not in art.body and FURNITURE[1] not in art.body
        assert STORIES[k][1] in art.body and STORIES[k][2] in art.body
        assert [r.text for r in art.removed if r.kind == "outlet_template"] == FURNITURE
    assert FURNITURE[0] in arts["o1"].body
