"""Full-text search in the database: SQLite FTS5 or PostgreSQL ``tsvector`` (migration 0005).

``match`` ranks the most recent ``candidates`` matches and returns a page of article
summaries; ``snippets`` cuts highlighted snippets for the hits of one page only.
Query words arrive already split (``web/search.py`` builds the expression from ``\\w+``
words only, so no operator of the user's reaches the engine); everything is bound as a
parameter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from .base import Db

HIT, END = "\x02", "\x03"  # snippet markers around each hit
_COLS = "a.id, a.seq, a.title, a.outlet, a.lang, a.published, a.story_id, a.duplicate_of, a.source_url AS url"


class FullText:
    def __init__(self, db: Db) -> None:
        self._db = db

    @property
    def available(self) -> bool:
        return self._db.dialect in ("sqlite", "postgresql")

    def engine_query(self, words: list[str], any_word: bool = False) -> str:
        """The query string this database's engine wants for these words (all of them, or any)."""
        if self._db.dialect == "postgresql":
            return (" | " if any_word else " & ").join(words)
        return (" OR " if any_word else " ").join(f'"{w}"' for w in words)

    def match(
        self, query: str, lang: str | None, limit: int, offset: int, candidates: int, snippets: bool = True
    ) -> list[dict[str, Any]]:
        """Summaries of the best of the newest ``candidates`` matches, with ``rank`` (lower is better),
        ``seq`` and, with ``snippets``, ``snippet`` (text with ``HIT``/``END`` markers)."""
        lang_sql = " WHERE a.lang = :lang" if lang else ""
        params: dict[str, Any] = {"lang": lang, "limit": limit, "offset": offset, "cands": candidates, "q": query}
        if self._db.dialect == "sqlite":
            sql = (
                "WITH cand AS (SELECT rowid AS seq, bm25(articles_fts) AS rank FROM articles_fts "
                "WHERE articles_fts MATCH :q ORDER BY rowid DESC LIMIT :cands) "
                f"SELECT {_COLS}, cand.rank FROM cand JOIN articles a ON a.seq = cand.seq{lang_sql} "
                "ORDER BY cand.rank LIMIT :limit OFFSET :offset"
            )
        elif self._db.dialect == "postgresql":
            sql = (
                "WITH cand AS (SELECT a.seq, -ts_rank(a.search_tsv, q) AS rank FROM articles a, "
                "to_tsquery('simple', :q) q WHERE a.search_tsv @@ q ORDER BY a.seq DESC LIMIT :cands) "
                f"SELECT {_COLS}, cand.rank FROM cand JOIN articles a ON a.seq = cand.seq{lang_sql} "
                "ORDER BY cand.rank LIMIT :limit OFFSET :offset"
            )
        else:
            return []
        with self._db.connect() as conn:
            rows = [dict(r) for r in conn.execute(text(sql), params).mappings()]
            if snippets:
                cut = self._snippets(conn, query, [r["seq"] for r in rows])
                for r in rows:
                    r["snippet"] = cut.get(r["seq"])
        return rows

    def _matching(self, columns: str, lang: str | None, after: bool = False) -> str | None:
        """``SELECT columns`` of the articles matching ``:q`` (in ``:lang``, stored after ``:after``)."""
        where = (" AND a.seq > :after" if after else "") + (" AND a.lang = :lang" if lang else "")
        if self._db.dialect == "sqlite":
            return (f"SELECT {columns} FROM articles_fts f JOIN articles a ON a.seq = f.rowid "
                    f"WHERE articles_fts MATCH :q{where}")
        if self._db.dialect == "postgresql":
            return f"SELECT {columns} FROM articles a, to_tsquery('simple', :q) q WHERE a.search_tsv @@ q{where}"
        return None

    def count(self, query: str, lang: str | None, cap: int) -> int:
        """How many articles match (at most ``cap``: counting every match of a common word in a
        large store costs more than a page of results)."""
        inner = self._matching("1", lang)
        if inner is None:
            return 0
        with self._db.connect() as conn:
            params = {"q": query, "lang": lang, "cap": cap}
            return int(conn.execute(text(f"SELECT count(*) FROM ({inner} LIMIT :cap) t"), params).scalar() or 0)

    def matches_after(self, query: str, lang: str | None, after_seq: int, cap: int) -> list[tuple[str, int]]:
        """(id, arrival number) of the articles stored after ``after_seq`` that match, oldest first."""
        sql = self._matching("a.id, a.seq", lang, after=True)
        if sql is None:
            return []
        params = {"q": query, "lang": lang, "after": after_seq, "cap": cap}
        with self._db.connect() as conn:
            return [(str(aid), int(seq)) for aid, seq in conn.execute(text(f"{sql} ORDER BY a.seq LIMIT :cap"), params)]

    def snippets(self, query: str, seqs: list[int]) -> dict[int, str]:
        """Highlighted snippets of the articles with these arrival numbers, for ``query``."""
        with self._db.connect() as conn:
            return self._snippets(conn, query, seqs)

    def _snippets(self, conn: Any, query: str, seqs: list[int]) -> dict[int, str]:
        if not seqs:
            return {}
        marks = ", ".join(f":s{i}" for i in range(len(seqs)))
        params: dict[str, Any] = {f"s{i}": s for i, s in enumerate(seqs)} | {"q": query, "hit": HIT, "end": END}
        if self._db.dialect == "sqlite":
            sql = (
                "SELECT rowid, snippet(articles_fts, -1, :hit, :end, '…', 16) FROM articles_fts "
                f"WHERE articles_fts MATCH :q AND rowid IN ({marks})"
            )
        else:
            sql = (
                "SELECT a.seq, ts_headline('simple', left(a.body, 20000), to_tsquery('simple', :q), :opts) "
                f"FROM articles a WHERE a.seq IN ({marks})"
            )
            params["opts"] = f"StartSel={HIT}, StopSel={END}, MaxWords=30, MinWords=10"
        return {int(seq): snip for seq, snip in conn.execute(text(sql), params)}
