from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from narratrace import stages
from narratrace.config import ConfigError, Settings, load_settings
from narratrace.pipeline import analyze
from narratrace.stages import UnknownStageError
from narratrace.store import Store, open_store

ARTICLE_EN = "Convoy Reaches Ariha\n\nARIHA – A convoy of trucks reached the town on 4 June 2020, officials said.\n"
ARTICLE_FR = "Le convoi arrive à Ariha\n\nARIHA – Un convoi de camions est arrivé dans la ville le 4 juin 2020.\n"


def _corpus(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "en.txt").write_text(ARTICLE_EN, encoding="utf-8")
    (d / "fr.txt").write_text(ARTICLE_FR, encoding="utf-8")
    (d / "copy.txt").write_text(ARTICLE_EN.replace("\n", "\r\n"), encoding="utf-8")  # same content
    (d / "empty.txt").write_text("", encoding="utf-8")
    return d


def test_analyze_stores_each_content_once_and_reruns_add_nothing(tmp_path: Path, db_path: str) -> None:
    d = _corpus(tmp_path)
    first = analyze([str(d)], db_path, jobs=1)
    assert (first.read, first.accepted, first.duplicates) == (4, 2, 1)
    assert first.rejected_by_reason == {"empty": 1}
    assert dict(first.languages) == {"en": 1, "fr": 1}
    second = analyze([str(d)], db_path, jobs=1)
    assert (second.accepted, second.already_stored) == (0, 2)
    store = open_store(db_path)
    assert store.articles.count() == 2
    by_lang = {a.lang: a for a in store.articles.iter()}
    assert by_lang["en"].published == "2020-06-04" and by_lang["en"].published_source == "text"
    assert by_lang["fr"].title == "Le convoi arrive à Ariha"


def test_process_pool_gives_the_same_result_as_inline(tmp_path: Path) -> None:
    d = _corpus(tmp_path)
    a = analyze([str(d)], str(tmp_path / "a.db"), jobs=1)
    b = analyze([str(d)], str(tmp_path / "b.db"), jobs=2)
    assert a.accepted == b.accepted == 2
    in_a = list(open_store(str(tmp_path / "a.db")).articles.iter())
    in_b = list(open_store(str(tmp_path / "b.db")).articles.iter())
    assert in_a == in_b


class FlakyStage:
    """A corpus stage that fails on its first call, to prove pending work survives."""

    name = "flaky.test"
    calls: list[list[str]] = []  # noqa: RUF012

    def update(self, store: Store, article_ids: Sequence[str]) -> None:
        FlakyStage.calls.append(list(article_ids))
        if len(FlakyStage.calls) == 1:
            raise RuntimeError("simulated crash")


def test_corpus_stage_failure_leaves_articles_pending_for_the_next_run(tmp_path: Path, db_path: str) -> None:
    stages.register("corpus", "flaky.test", f"{__name__}:FlakyStage")
    FlakyStage.calls.clear()
    settings = Settings(corpus=("flaky.test",))
    d = _corpus(tmp_path)
    first = analyze([str(d)], db_path, settings, jobs=1)
    assert first.corpus_errors and "simulated crash" in first.corpus_errors[0]
    assert len(open_store(db_path).articles.pending("flaky.test")) == 2
    second = analyze([str(d)], db_path, settings, jobs=1)  # nothing new, but pending work is done
    assert second.accepted == 0 and not second.corpus_errors
    assert FlakyStage.calls[1] == FlakyStage.calls[0]
    assert open_store(db_path).articles.pending("flaky.test") == []


def test_unknown_stage_names_the_known_ones(tmp_path: Path, db_path: str) -> None:
    with pytest.raises(UnknownStageError, match=r"registered analyser stages: .*language\.v1"):
        analyze([str(_corpus(tmp_path))], db_path, Settings(analysers=("langauge.v1",)), jobs=1)


def test_settings_from_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "n.toml"
    cfg.write_text('[pipeline]\nanalysers = ["language.v1"]\n[limits]\nmax_file_bytes = 1000\n'
                   '[stages."language.v1"]\n[serve]\ntoken = "t"\n', encoding="utf-8")
    monkeypatch.delenv("NARRATRACE_TOKEN", raising=False)
    s = load_settings(cfg)
    assert s.analysers == ("language.v1",) and s.max_file_bytes == 1000 and s.token == "t"
    monkeypatch.setenv("NARRATRACE_TOKEN", "env")
    assert load_settings(cfg).token == "env"
    cfg.write_text("[pipelin]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown configuration section"):
        load_settings(cfg)
    cfg.write_text("[pipeline]\nanalyzers = []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="analyzers"):
        load_settings(cfg)
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")


def test_serve_settings(tmp_path: Path) -> None:
    cfg = tmp_path / "n.toml"
    assert load_settings(None).request_threads == 4
    cfg.write_text("[serve]\nthreads = 8\n", encoding="utf-8")
    assert load_settings(cfg).request_threads == 8
    for bad, message in (("threads = 0", "threads must be"), ('threads = "8"', "threads must be"),
                         ("thread = 8", r"unknown key\(s\) in \[serve\]: \['thread'\]")):
        cfg.write_text(f"[serve]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_settings(cfg)


def test_every_type_mistake_is_a_config_error(tmp_path: Path) -> None:
    """No traceback for a wrong type anywhere: each mistake names its section and key."""
    cfg = tmp_path / "n.toml"
    cases = {
        '[limits]\nmax_article_chars = "abc"\n': r"\[limits\] max_article_chars must be an integer",
        "[limits]\nmax_article_chars = -5\n": r"from 1 to",
        "[limits]\nmax_articel_chars = 5\n": r"unknown key\(s\) in \[limits\]",
        "stages = 1\n": r"\[stages\] must be a table",
        "[stages]\nx = 1\n": r'\[stages\."x"\] must be a table of options',
        "pipeline = 5\n": r"\[pipeline\] must be a table",
        "[pipeline]\nanalysers = \"language.v1\"\n": r"must be a list of stage names",
        "[pipeline]\ncleaner = 3\n": r"cleaner must be a stage name",
        "[serve]\ntoken = 12\n": r"token must be a string",
    }
    for text, message in cases.items():
        cfg.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_settings(cfg)
    cfg.write_bytes("[serve]\ntoken = \"caf\xe9\"\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(cfg)
    with pytest.raises(ConfigError, match="is a folder"):
        load_settings(tmp_path)


@pytest.mark.slow
def test_dask_executor_runs_the_same_stages(tmp_path: Path) -> None:
    """``--scheduler local`` starts an in-process Dask cluster: same articles as inline."""
    pytest.importorskip("distributed")
    d = _corpus(tmp_path)
    settings = Settings(analysers=("language.v1", "metadata.v1"), corpus=())
    inline = analyze([str(d)], str(tmp_path / "a.db"), settings, jobs=1)
    dask = analyze([str(d)], str(tmp_path / "b.db"), settings, scheduler="local")
    assert dask.accepted == inline.accepted == 2 and dask.rejected_by_reason == {"empty": 1}
    assert list(open_store(str(tmp_path / "a.db")).articles.iter()) == list(
        open_store(str(tmp_path / "b.db")).articles.iter()
    )
