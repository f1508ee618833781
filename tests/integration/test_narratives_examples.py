"""Narrative matches on articles of the example corpus, through the whole per-article pipeline."""

from __future__ import annotations

import pytest

from narratrace.config import Settings
from narratrace.ingest.readers import read_file
from narratrace.pipeline import process_item
from narratrace.records import Article, RawItem

from ..conftest import EXAMPLES

pytestmark = pytest.mark.slow  # loads the encoder

MATCHING = Settings(analysers=("language.v1", "metadata.v1", "narratives.v1"))


def _matches(name: str) -> dict[str, str]:
    (item,) = [i for i in read_file(EXAMPLES / name) if isinstance(i, RawItem)]
    art = process_item(MATCHING, item)
    assert isinstance(art, Article)
    return {m.id: m.stance for m in art.narratives}


def test_biolabs_briefing_is_not_a_dirty_bomb_story() -> None:
    # the Russian army's "Radiological, Chemical and Biological Defence Troops" speak in it:
    # the unit's name is not the "dirty bomb" narrative
    found = _matches("c01_en_sputnik_biolabs.txt")
    assert "western-biolabs" in found
    assert "ukraine-dirty-bomb" not in found


def test_neutral_report_on_the_same_places_matches_nothing() -> None:
    assert _matches("n01_en_levant_daily_idlib_aid.txt") == {}
