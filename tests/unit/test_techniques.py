"""techniques.v1: the SemEval measures, the lexicons, the label tables and the analyser."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.analyse import techniques as T
from narratrace.analyse.techniques import labels, lexicon, scoring
from narratrace.analyse.techniques.features import tokenize
from narratrace.records import Article, SourceRef, article_from_dict, to_dict

EN = (
    "The so-called humanitarians of the pseudo-humanitarian group staged yet another "
    "\"chemical attack\" in the terrorist-occupied town, an outrageous hoax that only "
    "useful idiots in the mainstream media still swallow. These shameless liars will stop "
    "at nothing: they are destroying our nation and our children's future!"
)
FR = (
    "Les soi-disant Casques blancs, ces propagandistes à la solde de l'Occident, ont encore "
    "monté une prétendue « attaque chimique » : une mise en scène grotesque, un mensonge "
    "honteux que les médias aux ordres répètent sans la moindre preuve."
)


def test_si_measure_gives_partial_credit() -> None:
    # one gold span of 10 chars; a prediction covering its first half and 5 chars outside
    prf = scoring.span_prf({"a": [(0, 10)]}, {"a": [(5, 15)]})
    assert prf.precision == pytest.approx(0.5)
    assert prf.recall == pytest.approx(0.5)
    # overlapping gold spans are merged before scoring
    prf = scoring.span_prf({"a": [(0, 10)]}, {"a": [(0, 6), (4, 10)]})
    assert prf.precision == pytest.approx(1.0) and prf.recall == pytest.approx(1.0)
    assert scoring.span_prf({"a": []}, {"a": [(0, 3)]}).f1 == 0.0


def test_full_task_needs_the_technique_too() -> None:
    gold = {"a": [(0, 10, "Doubt")]}
    assert scoring.full_prf({"a": [(0, 10, "Doubt")]}, gold).f1 == pytest.approx(1.0)
    assert scoring.full_prf({"a": [(0, 10, "Slogans")]}, gold).f1 == 0.0


def test_tc_micro_f1_counts_each_label_of_a_multi_label_span() -> None:
    assert scoring.tc_micro_f1([["A", "B"], ["C"]], [["B", "A"], ["D"]]) == pytest.approx(2 / 3)


def test_lexicon_phrases_prefixes_and_other_languages() -> None:
    fr = lexicon.load("fr")
    words = [t.low for t in tokenize("les soi-disant Casques blancs et la mise en scène")]
    tags = dict(zip(words, fr.tag(words), strict=False))
    assert "label" in tags["soi-disant"] and "doubt" in tags["scène"]
    ru = lexicon.load("ru")
    words = [t.low for t in tokenize("двойные стандарты террористов")]
    cats = ru.tag(words)
    assert "hypocrisy" in cats[0] and "hypocrisy" in cats[1] and "label" in cats[2]
    assert lexicon.load("xx").tag(["anything"]) == [()]
    for lang in lexicon.LANGUAGES:
        assert {"loaded", "label", "fear", "doubt", "flag"} <= lexicon.load(lang).categories(), lang


def test_label_tables_cover_every_label_and_model_class() -> None:
    lab = labels.load()
    assert len(lab.semeval2023) == 23
    assert set(lab.disarm) == set(lab.semeval2023)
    assert all(ids and all(i.startswith("T0") for i in ids) for ids in lab.disarm.values())
    assert lab.disarm_version == "1.7"
    assert set(T.model.load().classes) == set(lab.from_ptc)
    assert lab.to_semeval2023("Bandwagon,Reductio_ad_hitlerum", {"guilt"}) == "Guilt_by_Association"
    assert lab.to_semeval2023("Bandwagon,Reductio_ad_hitlerum", set()) == "Appeal_to_Popularity"


@pytest.mark.parametrize(("text", "lang"), [(EN, "en"), (FR, "fr")])
def test_find_techniques_spans_point_into_the_body(text: str, lang: str) -> None:
    found = T.find_techniques(text, lang)
    assert found, lang
    names = set(labels.load().semeval2023)
    for t in found:
        assert text[t.start : t.end] == t.text and t.text.strip() == t.text
        assert any(ch.isalnum() for ch in t.text)  # never a lone quote mark
        assert t.technique in names
        assert 0.0 <= t.score <= 1.0
        assert t.disarm
    # the labels and scare quotes of the text are inside some span
    covered = {i for t in found for i in range(t.start, t.end)}
    cue = "pseudo-humanitarian" if lang == "en" else "soi-disant"
    assert text.index(cue) in covered


def test_neutral_text_gets_few_techniques() -> None:
    text = (
        "The council met on Tuesday to discuss the budget for the next year. The report lists "
        "the costs of road repairs in three districts and the number of new school places."
    )
    loaded = T.find_techniques(EN, "en")
    neutral = T.find_techniques(text, "en")
    assert len(neutral) < len(loaded)
    assert all(t.score < 0.5 for t in neutral)


def test_stage_fills_the_record_and_it_round_trips() -> None:
    art = Article(id="x", content_hash="h", source=SourceRef(path="x.txt"), body=EN, lang="en")
    out = T.TechniqueStage()(art)
    assert out.techniques and out.techniques[0].disarm
    back = article_from_dict(to_dict(out))
    assert back.techniques == out.techniques
    assert T.TechniqueStage()(art.replace(body="")).techniques == ()


def test_classify_spans_ranks_every_ptc_class() -> None:
    i = EN.index("shameless liars")
    ranked = T.classify_spans(EN, [(i, i + len("shameless liars"))])
    assert len(ranked[0]) == 14
    assert ranked[0][0][1] >= ranked[0][-1][1]


def test_model_files_are_small() -> None:
    data = Path(T.__file__).parent / "data"
    assert (data / "model.npz").stat().st_size < 50_000_000


def test_store_counts_techniques_per_outlet_and_the_report_lists_them(tmp_path: Path) -> None:
    from narratrace.report.html import render_report
    from narratrace.store import open_store

    store = open_store(str(tmp_path / "t.db"))
    try:
        run = store.runs.start("test", [])
        stage = T.TechniqueStage()
        for i, (outlet, body, lang) in enumerate([("Herald", EN, "en"), ("Veilleur", FR, "fr")]):
            art = Article(id=f"a{i}", content_hash=f"h{i}", source=SourceRef(path=f"{i}.txt"), body=body, lang=lang,
                          outlet=outlet, story_id="s1")
            assert store.articles.add(stage(art), run)
        by_outlet = store.techniques.by_outlet(story="s1")
        assert set(by_outlet) == {"Herald", "Veilleur"}
        stored = store.articles.get("a0")
        assert stored is not None and sum(by_outlet["Herald"].values()) == len(stored.techniques)
        totals = store.techniques.totals()
        assert totals and totals[0]["spans"] >= totals[-1]["spans"]
        assert store.techniques.by_outlet(story="other") == {}
        html = render_report(store)
        assert "Persuasion techniques" in html and "T0168" in html
    finally:
        store.close()


def test_smoother_sees_neighbours_only_within_the_sentence() -> None:
    import numpy as np

    from narratrace.analyse.techniques import features, smoother

    ctx = features.context("Bad liars. Good news here.", lexicon.load("en"))
    n = len(ctx.tokens)
    z = np.arange(n, dtype=np.float32)
    x = smoother.inputs(ctx, z, np.zeros(n, dtype=np.float32))
    assert x.shape == (n, smoother.N_INPUTS)
    # token 2 is the first sentence's full stop: its right neighbour starts another sentence
    assert x[2, 2 + smoother.WINDOW] == smoother.OUTSIDE
    assert x[0, 2 + smoother.WINDOW] == z[1]
    assert x[3, 2 + 2 * smoother.WINDOW] == z[2 + 1 : n].max()  # the second sentence's largest logit


def test_span_inputs_carry_the_span_and_its_sentence() -> None:
    from narratrace.analyse.techniques import features, vectors

    ctx = features.context(EN, lexicon.load("en"))
    vecs = vectors.ArticleVectors(EN, ctx)
    i = EN.index("shameless liars")
    x = vecs.span_inputs([(i, i + len("shameless liars"))])
    assert x.shape == (1, 2 * vectors.DIM)
    sent = vectors.sentence_of(ctx, i)
    assert abs(float(x[0, vectors.DIM :] @ vecs.sentences[sent]) - vectors.SCALE) < 1e-3


def test_the_sentences_encoded_are_the_narrative_matchers_units() -> None:
    """One splitter: the technique gate's sentences are the texts the matcher already encoded
    for the article, so ``embed.memo`` hands their vectors back instead of encoding them again."""
    from narratrace.analyse.techniques.features import tokenize
    from narratrace.embed.units import body_units

    body = ("Maj. Gen. Viktor Kupchishin said the « so-called » White Helmets staged it. « C'est faux ! » "
            "a dit un expert.\\nSource : Sputnik. The U.S. embassy did not answer!")
    tokens = tokenize(body)
    bounds: dict[int, tuple[int, int]] = {}
    for t in tokens:
        first = bounds.get(t.sent)
        bounds[t.sent] = (t.start if first is None else first[0], t.end)
    assert [body[a:b] for a, b in bounds.values()] == [u.text for u in body_units(body)]
