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
    assert any("fake chemical attack" in t for t in texts)
    assert not any(t.endswith("?") for t in texts)  # rhetorical question
    assert not any("I think" in t for t in texts)  # opinion
    assert not any("denied any involvement" in t for t in texts)  # a denial without content
    assert len(claims) <= 4  # selective: at most about a quarter of the 12 sentences
    trucks = next(c for c in claims if "two trucks" in c.text)
    assert trucks.speaker == "Viktor Kupchishin"  # "He added": the previous speaker
    for c in claims:
        assert text[c.start : c.end] == c.text
        assert 0.5 <= c.checkworthiness <= 1.0


def test_scores_order_fact_above_opinion() -> None:
    fact = score_sentence("On 10 October militants seized two chlorine cylinders near Saraqib.", n_entities=1)
    opinion = score_sentence("I think this is a shameful and ridiculous story.")
    assert fact > 0.7 > 0.3 > opinion


def test_french_stage() -> None:
    body = (
        "Le 23 mars, des bidons de chlore ont été transférés de Saraqib vers Khan Cheikhoun, "
        "où trois civils ont été tués.\n\n"
        "À mon avis, c’est honteux.\n\nQui peut encore croire cela ?"
    )
    art = Article(id="a", content_hash="h", source=SourceRef(), body=body, lang="fr")
    out = ClaimStage()(art)
    assert [c.text[:9] for c in out.claims] == ["Le 23 mar"]


def test_background_and_boilerplate_are_not_flagged() -> None:
    stock = "Syria has been locked in a civil war since 2011, which has killed hundreds of thousands of people."
    event = "Shelling killed 14 civilians, including six children, in the town of Saraqib on Monday, the monitor said."
    credit = "Get short URL 0 214 Tags Syria shelling Related Photo"
    assert score_sentence(event, n_entities=1, lang="en") > 0.79 > score_sentence(stock, n_entities=1, lang="en")
    assert score_sentence(credit, lang="en") < 0.2


def test_other_languages_use_their_own_cues() -> None:
    ru = "Ракетный удар по рынку в Донецке в понедельник убил 14 мирных жителей, сообщил источник."
    de = "Ich glaube, das ist eine schändliche Geschichte, und wir sollten darüber reden."
    assert score_sentence(ru, n_entities=1, lang="ru") > 0.79
    assert score_sentence(de, lang="de") < 0.3
