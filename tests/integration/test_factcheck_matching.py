"""Claim matching end to end: `claim-match` TREC run, import, and linking stored claims."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from narratrace.cli import cli
from narratrace.factcheck import link_claims
from narratrace.factcheck.catalog import claim_links
from narratrace.records import Article, Claim, SourceRef
from narratrace.store import open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "factchecks"


def test_claim_match_cli_ranks_the_right_claims_across_languages(tmp_path: Path) -> None:
    out = tmp_path / "run.trec"
    res = CliRunner().invoke(
        cli,
        [
            "claim-match",
            "--catalog",
            str(FIX / "catalog.jsonl"),
            "--queries",
            str(FIX / "queries.jsonl"),
            "--top",
            "3",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 1, res.output  # two catalogue lines were malformed (reported, skipped)
    lines = [ln.split() for ln in out.read_text().splitlines()]
    assert all(len(ln) == 6 and ln[1] == "Q0" and ln[5] == "narratrace" for ln in lines)
    top = {ln[0]: ln[2] for ln in lines if ln[3] == "1"}
    assert top == {
        "q-en-helmets": "fc-helmets-staging",
        "q-fr-biolabs": "fc-biolabs",  # French query, English fact-check
        "q-fr-spies": "fc-spies-idlib",
        "q-en-5g": "fc-5g-covid",
        "q-ru-chips": "fc-vaccine-chip",  # Russian query, English fact-check
        "q-de-eiffel": "fc-eiffel-fire",  # German query, English fact-check
    }


def test_import_and_link_stored_claims(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    res = runner.invoke(
        cli, ["factchecks", "import", str(FIX / "catalog.jsonl"), str(FIX / "claimreview.json"), "--db", db]
    )
    assert res.exit_code == 1 and "10 fact-checks added" in res.output
    store = open_store(db)
    run = store.runs.start("test", [])
    body = "Des bidons de chlore ont été transférés de Saraqib à Khan Cheikhoun sous supervision française."
    claim = Claim(body, 0, len(body), "Viktor Kupchishin", 0.9)
    store.articles.add(
        Article(id="a1", content_hash="h1", source=SourceRef(), body=body, lang="fr", claims=(claim,), story_id="s9"),
        run,
    )
    assert link_claims(store, top=3, min_similarity=0.5) == 1
    (link,) = claim_links(store, "a1")
    assert link["factcheck_id"] == "https://factcheck.example/chlorine-saraqib"
    assert link["verdict"] == "Unproven"
    res = runner.invoke(cli, ["factchecks", "links", "--db", db])
    assert "chlorine-saraqib" in res.output
    res = runner.invoke(cli, ["provenance", "s9", "--db", db])
    assert "fact-checked Unproven (https://factcheck.example/chlorine-saraqib)" in res.output
