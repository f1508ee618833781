"""The text kernel: one module of splitters returning one span type, one folding, no private reach-ins."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from narratrace.records import Span
from narratrace.text.fold import fold, translit, translit_words
from narratrace.text.sentences import split_pieces, split_sentences, split_units

from ..conftest import REPO

SRC = REPO / "src" / "narratrace"
BODY = ("Le major-général Viktor Kupchishin a déclaré vendredi que les « Casques blancs » préparaient "
        "une mise en scène. Source : Sputnik.\n\nM. Dupont n'y croit pas. Traduction : Réseau International")


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_every_splitter_gives_spans_that_point_into_the_text(text: str) -> None:
    for split in (split_sentences, split_units, split_pieces):
        for span in split(text):
            assert type(span) is Span and text[span.start : span.end].strip() == span.text.strip()


def test_the_three_profiles_on_one_body() -> None:
    tail = ["M. Dupont n'y croit pas.", "Traduction : Réseau International"]
    assert [s.text for s in split_sentences(BODY)][1:] == ["Source : Sputnik.", *tail]  # "M." is an abbreviation
    # the matcher's units know no abbreviations, and drop what is shorter than three characters
    assert [s.text for s in split_units(BODY)][1:] == ["Source : Sputnik.", "Dupont n'y croit pas.", tail[1]]
    assert split_pieces(BODY, max_chars=60)[0].text.startswith("Le major-général Viktor Kupchishin")
    assert all(s.end - s.start <= 60 for s in split_pieces(BODY, max_chars=60))


def test_folds() -> None:
    assert fold("Mise en Scène – l’Été") == "mise en scene – l'ete" and len(fold(BODY)) == len(BODY)
    assert translit("Хан Шейхун") == "khan sheykhun" and translit_words("  Réseau\n International ") == \
        "reseau international"


def test_one_splitter_module_one_transliteration_no_private_imports() -> None:
    defs, translits, private = [], [], []
    for path in SRC.rglob("*.py"):
        rel = str(path.relative_to(SRC))
        code = path.read_text(encoding="utf-8")
        if rel != "text/sentences.py" and re.search(r"^def split_sentences\(", code, re.M):
            defs.append(rel)
        if rel != "text/fold.py" and re.search(r"^from anyascii import|^import anyascii", code, re.M):
            translits.append(rel)
        private += [f"{rel}: {m.group(0)}" for m in re.finditer(r"^from \.[\w.]* import [^\n]*\b_[a-z]\w*", code, re.M)]
    assert defs == [] and translits == [] and private == []
