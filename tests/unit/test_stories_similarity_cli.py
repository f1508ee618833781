"""`narratrace similarity --pairs`: scores in [0, 1], bad lines reported with exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from narratrace.cli import cli
from narratrace.embed import Encoder, get_encoder
from narratrace.stories.similarity import Pair, similarity_scores, text_similarity

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "stories" / "articles.json"
ARTS = {a["key"]: a for a in json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"]}


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return get_encoder()


def _text(key: str) -> str:
    return ARTS[key]["title"] + "\n" + ARTS[key]["body"]


def test_same_story_scores_higher(encoder: Encoder) -> None:
    same, cross, unrelated = similarity_scores([
        Pair("a", _text("src"), _text("copy")),
        Pair("b", _text("src"), _text("fr")),  # languages found by identification
        Pair("c", _text("src"), _text("other")),
    ], encoder)
    assert all(0.0 <= s <= 1.0 for s in (same, cross, unrelated))
    assert same > unrelated + 0.25 and cross > unrelated + 0.25
    assert 0.0 <= text_similarity("Short text.", "Another one.", encoder) <= 1.0


def test_cli_writes_tab_separated_scores_and_reports_bad_lines(tmp_path: Path, encoder: Encoder) -> None:
    lines = [
        json.dumps({"pair_id": "p1", "text1": ARTS["src"]["body"], "text2": ARTS["fr"]["body"],
                    "lang1": "en", "lang2": "fr"}),
        "{not json",
        json.dumps({"pair_id": "p2", "text1": "", "text2": "x"}),
        json.dumps(["a", "list"]),
        json.dumps({"pair_id": "p3", "text1": ARTS["src"]["body"], "text2": ARTS["other"]["body"]}),
        json.dumps({"pair_id": "p1", "text1": "dup", "text2": "dup"}),
    ]
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "scores.tsv"
    result = CliRunner().invoke(cli, ["similarity", "--pairs", str(pairs), "-o", str(out)])
    assert result.exit_code == 1, result.output
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r[0] for r in rows] == ["p1", "p3"]
    assert all(0.0 <= float(r[1]) <= 1.0 for r in rows)
    assert "line 2" in result.output and "line 3" in result.output and "line 6" in result.output


def test_cli_all_good_exits_zero(tmp_path: Path, encoder: Encoder) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"pair_id": 7, "text1": "A fire in the port.", "text2": "Port fire."}) + "\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["similarity", "--pairs", str(pairs)])
    assert result.exit_code == 0
    assert result.output.startswith("7\t")


def test_cli_with_another_encoder_needs_its_own_weights(tmp_path: Path) -> None:
    """Weights fitted on one encoder's cosines are refused for another; its own are used."""
    from tests.onnx_model import build

    build(tmp_path / "tiny")
    spec = f"onnx:{tmp_path / 'tiny'}"
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"pair_id": "p", "text1": "dockers strike in the port",
                                 "text2": "the port strike"}) + "\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["similarity", "--pairs", str(pairs), "--encoder", spec])
    assert refused.exit_code == 2 and "fitted with encoder 'use-m3.v1'" in refused.output

    shipped = json.loads((Path(__file__).resolve().parents[2] / "src/narratrace/stories/data/"
                          "similarity_model.json").read_text(encoding="utf-8"))
    own = {**shipped, "encoder": get_encoder(spec).name}
    own["same_language"] = {**shipped["same_language"], "weights": [1.0, 0, 0, 0, 0, 0, 0], "bias": 0.0}
    weights = tmp_path / "w.json"
    weights.write_text(json.dumps(own), encoding="utf-8")
    result = CliRunner().invoke(cli, ["similarity", "--pairs", str(pairs), "--encoder", spec,
                                      "--weights", str(weights)])
    assert result.exit_code == 0, result.output
    pid, score = result.output.strip().split("\t")
    # with weight 1 on the pooled cosine alone, the score is the tiny model's cosine
    enc = get_encoder(spec)
    a, b = enc.encode(["dockers strike in the port", "the port strike"])
    assert pid == "p" and abs(float(score) - float(a @ b)) < 1e-3


def test_identical_texts_and_copies_score_as_the_same_story(encoder: Encoder) -> None:
    """A copy is the strongest 'same story'. Without the copy floor the shipped weights, fitted
    on pairs where identical scraper debris is rated unrelated, gave identical articles ~0.4."""
    src = _text("src")
    proxy = "Republished with permission. Read the original below.\n" + src
    identical, republished, translation, unrelated = similarity_scores([
        Pair("i", src, src),
        Pair("p", src, proxy),
        Pair("t", src, _text("fr"), "en", "fr"),
        Pair("u", src, _text("other")),
    ], encoder)
    assert identical == 1.0 and republished >= 0.9
    assert translation >= 0.7 and unrelated < 0.5


def test_a_pair_scores_about_the_same_alone_as_in_a_batch(encoder: Encoder) -> None:
    """Word weights come from the batch; stop words must not count as content in a lone pair."""
    unrelated, reworded = Pair("u", _text("src"), _text("other")), Pair("c", _text("src"), _text("copy"))
    others = [Pair("f", _text("src"), _text("fr")), Pair("l", _text("src"), _text("later")),
              Pair("x", _text("other"), _text("later"))]
    batch = similarity_scores([unrelated, reworded, *others], encoder)
    for pair, in_batch in zip((unrelated, reworded), batch, strict=False):
        assert abs(similarity_scores([pair], encoder)[0] - in_batch) < 0.05, pair.pair_id
