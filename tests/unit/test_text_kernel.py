"""The text kernel: one module of splitters returning one span type, one folding, no private reach-ins."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from narratrace.records import Span
from narratrace.text.fold import fold, translit, translit_words
from narratrace.text.sentences import UNIT_CHARS, split_sentences

from ..conftest import REPO

SRC = REPO / "src" / "narratrace"
BODY = ("Le major-général Viktor Kupchishin a déclaré vendredi que les « Casques blancs » préparaient "
        "une mise en scène. Source : Sputnik.\n\nM. Dupont n'y croit pas. Traduction : Réseau International")


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400), st.integers(8, 600))
def test_the_splitter_gives_bounded_spans_that_point_into_the_text(text: str, max_chars: int) -> None:
    for span in split_sentences(text, max_chars):
        assert type(span) is Span and text[span.start : span.end] == span.text
        assert 0 < len(span.text) <= max_chars and span.text == span.text.strip()


def test_one_splitter_for_every_bound() -> None:
    tail = ["M. Dupont n'y croit pas.", "Traduction : Réseau International"]
    assert [s.text for s in split_sentences(BODY)][1:] == ["Source : Sputnik.", *tail]  # "M." is an abbreviation
    assert [s.text for s in split_sentences(BODY, UNIT_CHARS)] == [s.text for s in split_sentences(BODY)]
    assert split_sentences(BODY, max_chars=60)[0].text.startswith("Le major-général Viktor Kupchishin")
    assert all(s.end - s.start <= 60 for s in split_sentences(BODY, max_chars=60))
    assert len(split_sentences(BODY, limit=2)) == 2


def test_scripts_without_case_and_full_width_stops() -> None:
    assert [s.text for s in split_sentences("पहला वाक्य है। दूसरा वाक्य है।")] == ["पहला वाक्य है।", "दूसरा वाक्य है।"]
    assert [s.text for s in split_sentences("第一句。第二句！")] == ["第一句。", "第二句！"]
    assert [s.text for s in split_sentences("Il a dit : « C'est faux. » Puis il est parti.")] == [
        "Il a dit : « C'est faux. »", "Puis il est parti."]


def test_hostile_runs_of_stops_stay_linear() -> None:
    text = "." * 200_000 + "a" + "?! " * 50_000
    assert len(split_sentences(text)) >= 1


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
