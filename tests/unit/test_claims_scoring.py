"""claims.v1: factual assertions are claims; opinions and questions are not."""

from __future__ import annotations

from pathlib import Path

from narratrace.analyse.attribution import attributions
from narratrace.analyse.claims import ClaimStage, extract_claims, score_sentence
from narratrace.analyse.entities import extract_entities
from narratrace.records import Article, SourceRef

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "analysis"


def test_fixture_claims_with_speakers() -> None:
    text = (FIX / "en_briefing.txt").read_text(encoding="utf-8")
    ents = tuple(extract_entities(text, "en"))
    claims = extract_claims(text, ents, tuple(attributions(text, ents)))
    texts = [c.text for c in claims]
    assert any("paid $50" in t for t in texts)
    assert not any(t.endswith("?") for t in texts)  # rhetorical question
    assert not any("I think" in t for t in texts)  # opinion
    paid = next(c for c in claims if "paid $50" in c.text)
    assert paid.speaker == "Viktor Kupchishin"
    for c in claims:
        assert text[c.start : c.end] == c.text
        assert 0.5 <= c.checkworthiness <= 1.0


def test_scores_order_fact_above_opinion() -> None:
    fact = score_sentence("On 10 October militants seized two chlorine cylinders near Saraqib.", n_entities=1)
    opinion = score_sentence("I think this is a shameful and ridiculous story.")
    assert fact > 0.7 > 0.3 > opinion


def test_french_stage() -> None:
    body = (
        "Le 23 mars, des bidons de chlore ont été transférés de Saraqib vers Khan Cheikhoun.\n\n"
        "À mon avis, c’est honteux.\n\nQui peut encore croire cela ?"
    )
    art = Article(id="a", content_hash="h", source=SourceRef(), body=body, lang="fr")
    out = ClaimStage()(art)
    assert [c.text[:9] for c in out.claims] == ["Le 23 mar"]
