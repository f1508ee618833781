"""``narratrace similarity``: same-story scores for pairs of texts."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..embed import DEFAULT_ENCODER, get_encoder
from ..stories.similarity import Pair, load_model, similarity_scores
from .common import EXIT_OK, EXIT_REJECTED, handle_broken_pipe, output_stream

MAX_LINE_CHARS = 2_000_000


def read_pairs(stream: Any) -> tuple[list[Pair], list[str]]:
    """Valid pairs, and one message per rejected line (line number and reason)."""
    pairs: list[Pair] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            errors.append(f"line {number}: longer than {MAX_LINE_CHARS} characters")
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: not JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            errors.append(f"line {number}: expected a JSON object")
            continue
        pid, t1, t2 = data.get("pair_id"), data.get("text1"), data.get("text2")
        missing = [k for k, v in (("pair_id", pid), ("text1", t1), ("text2", t2))
                   if not isinstance(v, (str, int)) or (isinstance(v, str) and not v.strip())]
        if missing:
            errors.append(f"line {number}: missing or empty {', '.join(missing)}")
            continue
        if str(pid) in seen:
            errors.append(f"line {number}: duplicate pair_id {str(pid)!r}")
            continue
        seen.add(str(pid))
        langs = [v if isinstance(v, str) else None for v in (data.get("lang1"), data.get("lang2"))]
        pairs.append(Pair(str(pid), str(t1), str(t2), langs[0], langs[1]))
    return pairs, errors


@click.command("similarity")
@click.option("--pairs", "pairs_path", required=True, type=click.File("r", encoding="utf-8"),
              help="JSONL file of {pair_id, text1, text2, lang1?, lang2?} ('-' for standard input).")
@click.option("-o", "--output", default=None, help="Output file (default: standard output).")
@click.option("--encoder", default=DEFAULT_ENCODER, show_default=True,
              help="Encoder spec (onnx:DIR for a local ONNX model); needs --weights fitted for it.")
@click.option("--weights", default=None, type=click.Path(exists=True, dir_okay=False),
              help="Weights written by bench/eval_similarity.py --fit --out (default: the shipped ones).")
@handle_broken_pipe
def similarity_command(pairs_path: Any, output: str | None, encoder: str, weights: str | None) -> None:
    """Write `pair_id<TAB>score` lines: score in [0, 1], 1 = the two texts tell the same story.

    Pairs are scored together (word weights come from the whole file). Lines that are not
    valid pairs are reported on standard error and the exit code is 1.
    """
    try:
        model = load_model(weights)
        enc = get_encoder(encoder)
        pairs, errors = read_pairs(pairs_path)
        scores = similarity_scores(pairs, enc, model)
    except (ValueError, LookupError, OSError, ImportError) as exc:
        raise click.UsageError(str(exc)) from None
    stream = output_stream(output)
    try:
        for pair, score in zip(pairs, scores, strict=True):
            pid = pair.pair_id.replace("\t", " ").replace("\n", " ")
            stream.write(f"{pid}\t{score:.4f}\n")
    finally:
        if output not in (None, "-"):
            stream.close()
    for message in errors:
        click.echo(f"rejected {message}", err=True)
    sys.exit(EXIT_REJECTED if errors else EXIT_OK)


commands: list[Any] = [similarity_command]
