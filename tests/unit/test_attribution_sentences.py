"""The rule sentence splitter used by attributions and claims."""

from __future__ import annotations

from narratrace.text.sentences import MAX_SENTENCE_CHARS, split_sentences


def test_boundaries_abbreviations_and_lines() -> None:
    text = (
        "Maj. Gen. Viktor Kupchishin spoke in Moscow. The U.S. embassy did not answer!\n"
        "Source : Sputnik News\n\n« Les agents sont arrivés. » a-t-il dit."
    )
    sents = [s.text for s in split_sentences(text)]
    assert sents == [
        "Maj. Gen. Viktor Kupchishin spoke in Moscow.",
        "The U.S. embassy did not answer!",
        "Source : Sputnik News",
        "« Les agents sont arrivés. » a-t-il dit.",
    ]
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text


def test_run_on_text_is_cut() -> None:
    text = "word " * 2000
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in split_sentences(text))
