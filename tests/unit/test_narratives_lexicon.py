"""Folding, sentence splitting and phrase lookup keep offsets into the body."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from narratrace.narratives.lexicon import PhraseIndex, tokenize
from narratrace.narratives.stance import StanceRules, classify, find_cues
from narratrace.text.fold import fold
from narratrace.text.sentences import UNIT_CHARS, split_sentences


@given(st.text(max_size=200))
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_fold_strips_accents_and_unifies_apostrophes() -> None:
    assert fold("Mise en Scène – l’Été") == "mise en scene – l'ete"


@given(st.text(max_size=400))
def test_sentences_point_into_the_text(text: str) -> None:
    for s in split_sentences(text, UNIT_CHARS):
        assert text[s.start : s.end] == s.text
        assert len(s.text) <= 600


def test_split_sentences_french_and_quotes() -> None:
    body = "Le ministère a parlé. « C'est faux ! » a dit un expert.\nNouvelle ligne ici"
    texts = [s.text for s in split_sentences(body, UNIT_CHARS)]
    assert texts == ["Le ministère a parlé.", "« C'est faux ! » a dit un expert.", "Nouvelle ligne ici"]


def test_phrase_index_prefix_and_multiword() -> None:
    idx = PhraseIndex()
    idx.add("mise en scène", "staged")
    idx.add("debunk*", "refute")
    text = "La MISE EN SCENE a été debunked hier; debunking continues"
    folded = fold(text)
    hits = idx.find(folded, tokenize(folded))
    assert [(h.payloads[0], text[h.start : h.end]) for h in hits] == [
        ("staged", "MISE EN SCENE"), ("refute", "debunked"), ("refute", "debunking"),
    ]


def _stance(text: str, evidence_idx: int = 0, sim: float = 0.6) -> str:
    sents = split_sentences(text)
    folded = fold(text)
    cues = find_cues(folded, tokenize(folded), sents)
    return classify(cues, [(evidence_idx, sim)], StanceRules())


def test_stance_rules() -> None:
    assert _stance("The rescuers staged the attack in the town.") == "promotes"
    assert _stance("The ministry claimed the rescuers staged the attack.") == "reports"
    assert _stance("Selon Moscou, les secouristes auraient mis en scène l'attaque.") == "reports"
    assert _stance("The claim that rescuers staged the attack is false. It was debunked.") == "refutes"
    fr = "Les secouristes ont mis en scène l'attaque ? C'est une infox, démentie par l'ONU."
    assert _stance(fr) == "refutes"
    # a promoter quoting an official still asserts elsewhere: "false flag" is not a refutation
    text = "According to the general, a false flag is planned. The rescuers will stage it."
    assert _stance(text, 1) == "promotes"
