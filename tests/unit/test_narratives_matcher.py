"""Matching with the real multilingual encoder: narrative, stance, evidence spans, neutrals."""

from __future__ import annotations

import pickle

import pytest

from narratrace.narratives.stage import NarrativeStage, get_matcher
from narratrace.records import Article, SourceRef

pytestmark = pytest.mark.slow  # loads the USE encoder (~3 s)


def _article(body: str, title: str | None = None) -> Article:
    return Article(id="a1", content_hash="h", source=SourceRef(path="x.txt"), body=body, title=title)


def _ids(body: str) -> dict[str, str]:
    return {m.id: m.stance for m in get_matcher().match(body)}


def test_promoting_french_text_matches_with_evidence() -> None:
    body = (
        "Une nouvelle fois, les Casques blancs préparent un spectacle. Dans un village près de Jisr "
        "al-Choghour, ils ont stocké du chlore et répété les scènes de secours devant les caméras. "
        "Le but : faire accuser Damas d'une attaque chimique et provoquer des frappes occidentales."
    )
    out = NarrativeStage()(_article(body))
    match = {m.id: m for m in out.narratives}["staged-chemical-attacks-syria"]
    assert match.stance == "promotes"
    assert 0.0 < match.score <= 1.0
    assert match.evidence
    for span in match.evidence:
        assert body[span.start : span.end] == span.text


def test_english_report_and_refutation_get_their_stance() -> None:
    report = (
        "Russian officials alleged on Thursday that Ukrainian scientists were assembling a dirty bomb "
        "to blame Moscow. They offered no evidence, and Kyiv invited UN inspectors to visit."
    )
    refute = (
        "Fact check: the story that Ukraine was building a radioactive dirty bomb is false. IAEA "
        "inspectors found no undeclared activity at the sites Moscow named; the claim was debunked."
    )
    assert _ids(report).get("ukraine-dirty-bomb") == "reports"
    assert _ids(refute).get("ukraine-dirty-bomb") == "refutes"


def test_a_reporting_verb_in_a_purpose_clause_is_not_attribution() -> None:
    # "pour que l'Occident accuse Damas": the text asserts the plot; the accusing is its aim
    promoting = (
        "Les Casques blancs préparent encore une provocation chimique à Idlib : le chlore est livré et les "
        "caméras sont prêtes pour que l'Occident accuse Damas d'une fausse attaque."
    )
    assert _ids(promoting).get("staged-chemical-attacks-syria") == "promotes"
    # the same verb as an attribution still makes it a report
    reporting = (
        "Moscou accuse les Casques blancs de préparer une provocation chimique à Idlib avec du chlore, "
        "pour faire accuser Damas d'une fausse attaque. Aucune preuve n'a été présentée."
    )
    assert _ids(reporting).get("staged-chemical-attacks-syria") == "reports"


@pytest.mark.parametrize(
    "body",
    [
        "Government troops and rebels clashed near Maarat al-Numan in Idlib province on Sunday, "
        "and aid workers said two field hospitals had stopped working.",
        "L'OIAC a ouvert à La Haye sa session annuelle; les délégations ont examiné le budget et "
        "le calendrier des inspections de sites industriels.",
        "NATO defence ministers met in Brussels to discuss ammunition production and the "
        "alliance's budget for next year.",
        "",
    ],
)
def test_neutral_news_on_the_same_places_does_not_match(body: str) -> None:
    assert _ids(body) == {}


def test_stage_is_picklable_and_leaves_empty_articles_alone() -> None:
    stage = pickle.loads(pickle.dumps(NarrativeStage(threshold=0.5)))
    empty = _article("   ")
    assert stage(empty) is empty
    assert stage.name == "narratives.v1"
