from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from narratrace.ingest import read_inputs
from narratrace.ingest.walk import Skipped
from narratrace.records import RawItem, Rejection


def _read(*paths: Path, **kw: int) -> list[RawItem | Rejection | Skipped]:
    return list(read_inputs([str(p) for p in paths], **kw))


def test_txt_html_and_unsupported_in_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\n\nSome body text.", encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body><p>Hi</p></body></html>", encoding="utf-8")
    (tmp_path / "notes.yaml").write_text("x: 1", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("secret", encoding="utf-8")
    out = _read(tmp_path)
    items = [o for o in out if isinstance(o, RawItem)]
    assert [i.fmt for i in items] == ["txt", "html"]
    assert [Path(o.path).name for o in out if isinstance(o, Skipped)] == ["notes.yaml"]


def test_explicit_unsupported_file_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "data.pdf"
    f.write_bytes(b"%PDF-1.4")
    (out,) = _read(f)
    assert isinstance(out, Rejection) and out.reason == "unsupported_type"


def test_missing_empty_and_too_large(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "big.txt").write_bytes(b"word " * 3000)
    out = _read(tmp_path / "nope.txt", tmp_path / "empty.txt", tmp_path / "blank.txt", tmp_path / "big.txt",
                max_file_bytes=10_000)
    assert [o.reason for o in out if isinstance(o, Rejection)] == ["not_found", "empty", "empty", "too_large"]
    assert "max_file_bytes" in out[-1].detail  # says how to fix it


def test_jsonl_fields_broken_lines_and_title_only(tmp_path: Path) -> None:
    f = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"id": "x1", "url": "https://example.org/a", "outlet": "Ex", "title": "T", "text": "Body.",
                    "lang": "en", "date": "2019-03-30"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "x2", "title": "Only a title", "lang": "fr"}),
        json.dumps({"id": "x3"}),
        json.dumps({"id": "x4", "text": {"nested": 1}}),
        "",
        json.dumps({"id": 5, "html": "<p>Hello</p>"}),
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _read(f)
    kinds = [(o.reason if isinstance(o, Rejection) else "ok", o.source.line) for o in out]  # type: ignore[union-attr]
    assert kinds == [("ok", 1), ("invalid_json", 2), ("invalid_record", 3), ("ok", 4), ("missing_content", 5),
                     ("invalid_record", 6), ("ok", 8)]
    first = out[0]
    assert isinstance(first, RawItem)
    assert (first.external_id, first.outlet, first.source.url, first.date) == ("x1", "Ex", "https://example.org/a",
                                                                             "2019-03-30")
    assert isinstance(out[6], RawItem) and out[6].external_id == "5"
    assert "dump.jsonl:2" in out[1].detail  # type: ignore[union-attr]


def test_jsonl_oversized_line_is_skipped_and_rest_read(tmp_path: Path) -> None:
    f = tmp_path / "big.jsonl"
    with open(f, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "a", "text": "x" * 5000}) + "\n")
        fh.write(json.dumps({"id": "b", "text": "fine"}) + "\n")
    out = list(read_inputs([str(f)], max_line_bytes=1000))
    assert isinstance(out[0], Rejection) and out[0].reason == "too_large"
    assert isinstance(out[1], RawItem) and out[1].external_id == "b"


def test_jsonl_invalid_utf8_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n{"id": "b", "text": "ok"}\n')
    out = _read(f)
    assert isinstance(out[0], Rejection) and out[0].reason == "invalid_utf8"
    assert isinstance(out[1], RawItem)


def test_rss_and_atom_feeds(tmp_path: Path) -> None:
    rss = tmp_path / "feed.xml"
    rss.write_text(
        """<?xml version="1.0"?><rss version="2.0"><channel><title>Le Veilleur</title>
        <item><title>Premier</title><link>https://veilleur.example/1</link>
        <pubDate>Fri, 29 Mar 2019 10:00:00 GMT</pubDate><description>&lt;p&gt;Texte un.&lt;/p&gt;</description></item>
        <item><title>Second</title><link>https://veilleur.example/2</link><description>Texte deux.</description></item>
        </channel></rss>""",
        encoding="utf-8",
    )
    atom = tmp_path / "feed.atom"
    atom.write_text(
        """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
        <entry><title>One</title><id>urn:1</id><link href="https://wire.example/1"/><updated>2019-03-30T08:00:00Z</updated>
        <content type="html">&lt;p&gt;Atom body.&lt;/p&gt;</content></entry></feed>""",
        encoding="utf-8",
    )
    out = _read(rss, atom)
    assert all(isinstance(o, RawItem) for o in out)
    items = [o for o in out if isinstance(o, RawItem)]
    assert [i.title for i in items] == ["Premier", "Second", "One"]
    assert items[0].date == "2019-03-29T10:00:00Z" and items[0].outlet == "Le Veilleur"
    assert items[2].external_id == "urn:1" and items[2].source.url == "https://wire.example/1"


def test_malformed_feed_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "broken.rss"
    f.write_text("<rss><channel><title>x</title", encoding="utf-8")
    (out,) = _read(f)
    assert isinstance(out, Rejection) and out.reason == "invalid_feed"


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_loop_outside_link_and_broken_link(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("Title\n\nBody.", encoding="utf-8")
    (root / "sub" / "loop").symlink_to(root)  # a folder linking to its ancestor
    outside = tmp_path / "secret.txt"
    outside.write_text("not yours", encoding="utf-8")
    (root / "escape.txt").symlink_to(outside)
    (root / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    out = _read(root)
    reasons = sorted(o.reason for o in out if isinstance(o, Rejection))
    assert reasons == ["broken_symlink", "outside_input", "symlink_loop"]
    assert [Path(o.source.path).name for o in out if isinstance(o, RawItem)] == ["a.txt"]  # type: ignore[arg-type]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path: Path) -> None:
    f = tmp_path / "locked.txt"
    f.write_text("x", encoding="utf-8")
    f.chmod(0)
    (out,) = _read(f)
    assert isinstance(out, Rejection) and out.reason == "unreadable"


def test_unreadable_file_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission problems are reported per file (root ignores chmod, so simulate it)."""
    import narratrace.ingest.readers as readers

    f = tmp_path / "locked.txt"
    f.write_text("x", encoding="utf-8")

    def denied(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(readers, "open", denied, raising=False)
    (out,) = _read(f)
    assert isinstance(out, Rejection) and out.reason == "unreadable" and "Permission denied" in out.detail


def test_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (out,) = _read(fifo)  # reading a fifo would hang forever
    assert isinstance(out, Rejection) and out.reason == "not_a_file"


def test_jsonl_aliases_authors_and_ignored_fields_are_kept(tmp_path: Path) -> None:
    """Other dumps' field names are understood; anything else is named on the article, not lost silently."""
    from narratrace.clean.pipeline import RuleCleaner
    from narratrace.records import Article

    line = {"id": "x1", "headline": "Port strike ends", "body": "Dockers ended their strike on Monday.",
            "published": "2021-05-03", "link": "https://example.org/a", "language": "en",
            "author": "Ann Lee", "authors": ["Bo Chen", "Ann Lee"], "shares": 12, "tags": ["port"]}
    both = {"id": "x2", "title": "Given title", "headline": "Other", "text": "Body text here.", "date": "2020-01-01",
            "published": "1999-01-01"}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(line) + "\n" + json.dumps(both) + "\n", encoding="utf-8")
    items = [i for i in read_inputs([str(path)]) if isinstance(i, RawItem)]
    first, second = items
    assert (first.title, first.text, first.date, first.source.url, first.lang) == (
        "Port strike ends", "Dockers ended their strike on Monday.", "2021-05-03", "https://example.org/a", "en")
    assert first.authors == ("Ann Lee", "Bo Chen") and first.warnings == ("ignored_fields:shares,tags",)
    assert (second.title, second.date) == ("Given title", "2020-01-01")  # the contract's names win
    article = RuleCleaner()(first)
    assert isinstance(article, Article)
    assert article.authors == ("Ann Lee", "Bo Chen") and "ignored_fields:shares,tags" in article.warnings
