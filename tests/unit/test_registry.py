"""One registry for stages, readers, exporters and encoders; plug-ins found through entry points.

The plug-in here is a real installed distribution (a dist-info folder with an
``entry_points.txt`` on ``sys.path``), resolved in fresh processes that never called
``register()``: a pool worker and a CLI run must find it by name alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from narratrace import registry, stages
from narratrace.exporters import exporter_names, get_exporter
from narratrace.ingest.readers import Reader, reader_for_content_type, reader_for_suffix, supported_suffixes

PLUGIN = '''
from narratrace.exporters import Exporter
from narratrace.ingest import Reader
from narratrace.records import RawItem


class ShoutStage:
    """An analyser: upper-cases the title (so a test can see it ran)."""
    name = "shout.v1"
    role = "analyser"
    requires = ("body",)
    assigns = ("title",)

    def __call__(self, article):
        return article.replace(title=(article.title or article.body.split("\\n")[0]).upper())


class NoteReader(Reader):
    """`.note` files: the first line is the title, the rest the text."""
    name = "note"
    suffixes = (".note",)
    content_types = ("text/x-note",)

    def parse(self, ref, text, data, encoding):
        title, _, body = text.partition("\\n")
        yield RawItem(source=ref, fmt="txt", title=title.strip(), text=body, encoding=encoding)


class TsvExporter(Exporter):
    name = "tsv"
    media_type = "text/tab-separated-values"
    suffix = ".tsv"

    def write(self, row):
        self.stream.write(f"{row['id']}\\t{row['title']}\\n")
'''

ENTRY_POINTS = """
[narratrace.stages]
shout.v1 = narratrace_testplugin:ShoutStage

[narratrace.readers]
note = narratrace_testplugin:NoteReader

[narratrace.exporters]
tsv = narratrace_testplugin:TsvExporter
"""


@pytest.fixture
def plugin_path(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "narratrace_testplugin.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "narratrace_testplugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: narratrace-testplugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    return site


def _env(site: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}


def test_builtins_resolve_through_the_same_registry() -> None:
    assert {"rules.v1", "language.v1", "stories.v1"} <= set(registry.STAGES.names())
    corpus = set(stages.registered("corpus")) - set(registry.STAGES.additions())  # other tests add some
    assert corpus == {"entities-index.v1", "network.v1", "noop", "stories.v1"}
    assert type(reader_for_suffix(".HTM")).__name__ == "HtmlReader"
    assert type(reader_for_content_type("application/x-ndjson; charset=utf-8")).__name__ == "JsonlReader"
    assert reader_for_suffix(".docx") is None
    assert supported_suffixes() == [".atom", ".htm", ".html", ".jsonl", ".ndjson", ".rss", ".text", ".txt",
                                    ".xhtml", ".xml"]
    assert exporter_names() == ["csv", "gexf", "jsonl", "misp", "stix2"]
    assert get_exporter("csv").media_type.startswith("text/csv")
    with pytest.raises(registry.UnknownNameError, match=r"no exporter named 'xml'; registered: csv, gexf, "):
        get_exporter("xml")


def test_a_session_registration_wins_and_is_removed(tmp_path: Path) -> None:
    class Upper(Reader):
        name = "upper"
        suffixes = (".txt",)

        def parse(self, ref, text, data, encoding):  # type: ignore[no-untyped-def]
            from narratrace.records import RawItem

            yield RawItem(source=ref, fmt="txt", text=text.upper(), encoding=encoding)

    registry.READERS.register("upper", Upper)
    try:
        assert type(reader_for_suffix(".txt")).__name__ == "Upper"
    finally:
        registry.READERS.unregister("upper")
    assert type(reader_for_suffix(".txt")).__name__ == "TextReader"


def test_entry_point_plugins_resolve_in_fresh_processes(plugin_path: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.note").write_text("Briefing in Moscow\nThe ministry said on Friday that the convoy was "
                                   "stopped near the border.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("A second article\n\nIt says something else about the harbour.\n",
                                  encoding="utf-8")
    db = tmp_path / "p.db"
    script = textwrap.dedent(f"""
        import json
        from narratrace.config import Settings
        from narratrace.pipeline import analyze
        from narratrace import stages
        settings = Settings(analysers=("language.v1", "shout.v1"), corpus=())
        summary = analyze([{str(corpus)!r}], {str(db)!r}, settings, jobs=2)
        print(json.dumps({{"roles": stages.roles_of("shout.v1"), "accepted": summary.accepted,
                          "statuses": [o.status for o in summary.outcomes],
                          "stages": sorted(summary.stages)}}))
    """)
    res = subprocess.run([sys.executable, "-c", script], env=_env(plugin_path), capture_output=True, text=True,
                         timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["roles"] == ["analyser"]
    assert out["accepted"] == 2 and out["statuses"] == ["stored", "stored"]
    assert out["stages"] == ["language.v1", "rules.v1", "shout.v1", "store"]
    exported = subprocess.run([sys.executable, "-m", "narratrace", "export", "--db", str(db), "--format", "tsv"],
                              env=_env(plugin_path), capture_output=True, text=True, timeout=120, check=False)
    assert exported.returncode == 0, exported.stderr
    titles = sorted(line.split("\t")[1] for line in exported.stdout.splitlines())
    assert titles == ["A SECOND ARTICLE", "BRIEFING IN MOSCOW"]


def test_plugins_are_unknown_without_their_distribution(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "narratrace", "export", "--db", str(tmp_path / "x.db"),
                          "--format", "tsv"], capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 2 and "'tsv' is not one of 'csv', 'gexf', 'jsonl', 'misp', 'stix2'" in res.stderr


def test_the_architecture_worked_example_runs(tmp_path: Path) -> None:
    """The reader and exporter of docs/architecture.md, run as printed."""
    import io
    import re

    from narratrace.exporters import export_articles
    from narratrace.ingest import read_inputs

    from ..conftest import REPO

    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc[doc.index("## The registry") :]
    section = section[: section.index("\n## ", 4)]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2
    try:
        for block in blocks:
            exec(compile(block, "docs/architecture.md", "exec"), {})
        note = tmp_path / "x.note"
        note.write_text("Convoy stopped\nThe convoy was stopped at the border on Friday.\n", encoding="utf-8")
        (item,) = list(read_inputs([str(note)]))
        assert item.title == "Convoy stopped" and item.text.startswith("The convoy")  # type: ignore[union-attr]
        from narratrace.config import Settings
        from narratrace.pipeline import process_item

        article = process_item(Settings(analysers=()), item)  # type: ignore[arg-type]
        out = io.StringIO()
        assert export_articles([article], out, "tsv") == 1  # type: ignore[list-item]
        assert out.getvalue() == f"{article.id}\tConvoy stopped\n"  # type: ignore[union-attr]
    finally:
        registry.READERS.unregister("note")
        registry.EXPORTERS.unregister("tsv")
