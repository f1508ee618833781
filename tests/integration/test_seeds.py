"""The five seed articles (../shared/seeds, never copied here): what the spine must get right.

Skips cleanly where the folder is absent. The golden file keeps only facts and
hashes of the clean bodies (the seeds' text belongs to their publishers); regenerate
it with ``python scripts/update_golden.py`` after an intended change.
"""

from __future__ import annotations

import collections
import hashlib
from pathlib import Path

import yaml

from narratrace.config import Settings
from narratrace.ingest.readers import read_file
from narratrace.pipeline import process_item
from narratrace.records import Article, RawItem

from ..accounting import unaccounted_lines

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "seeds.yaml"
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SPINE = Settings(analysers=("language.v1", "metadata.v1"))

# Debris planted around the articles: none of it may remain in a body.
DEBRIS_LINES = ["0 $", "2,500 $", "5,000 $"]
DEBRIS = ["Support SouthFront", "Notify of", "Newest Most Voted", "View all comments",
          "Tommy Jensen", "Would love your thoughts", "More n this topic", "© / Ruptly", "A la Une",
          "© AP Photo", "LIRE PLUS", "LIRE AUSSI", "Répondre", "Vous commentez", "WordPress.com",
          "blogueurs aiment", "Avis de non-responsabilité", "Contact média", "Articles Par",
          "Mondialisation.ca contient", "LIGHTS, CAMERA, ACTION"]


def _analyse(path: Path) -> tuple[str, Article]:
    (item,) = list(read_file(path))
    assert isinstance(item, RawItem)
    article = process_item(SPINE, item)
    assert isinstance(article, Article), article
    return item.text or "", article


def _facts(article: Article) -> dict[str, object]:
    return {
        "lang": article.lang,
        "title_sha256": hashlib.sha256((article.title or "").encode()).hexdigest()[:16],
        "published": article.published,
        "published_source": article.published_source,
        "outlet": article.outlet,
        "authors": list(article.authors),
        "removed": dict(sorted(collections.Counter(r.kind for r in article.removed).items())),
        "comment_authors": [c.author for c in article.comments],
        "body_chars": len(article.body),
        "body_sha256": hashlib.sha256(article.body.encode()).hexdigest()[:16],
    }


def test_seed_articles(seeds_dir: Path) -> None:
    golden = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    results = {p.name[:3]: _analyse(p) for p in sorted(seeds_dir.glob("*.txt"))}
    assert sorted(results) == ["000", "001", "002", "003", "004"]
    for key, (raw, art) in results.items():
        for debris in DEBRIS:
            assert debris not in art.body, (key, debris)
        for debris in DEBRIS_LINES:
            assert debris not in art.body.splitlines(), (key, debris)
        assert unaccounted_lines(raw, art) == [], key  # nothing lost: body, removed or comments
        assert _facts(art) == golden[key], key
    langs = {k: a.lang for k, (_, a) in results.items()}
    assert langs == {"000": "en", "001": "en", "002": "fr", "003": "fr", "004": "fr"}
    dates = {k: a.published for k, (_, a) in results.items()}
    assert dates == {"000": None, "001": "2019-03-30", "002": None, "003": "2019-03-29", "004": "2018-10"}
    assert results["002"][1].authors == ("Ahmad al-Khaled",)
    outlets = {k: a.outlet for k, (_, a) in results.items()}
    assert outlets == {"000": None, "001": "SouthFront", "002": "Mondialisation.ca", "003": "MIRASTNEWS",
                       "004": None}
    comments = results["001"][1].comments
    assert len(comments) >= 15
    named = {c.author for c in comments if c.author}
    assert {"Tommy Jensen", "Concrete Mike", "Jim Prendergast", "You can call me Al", "Xoli Xoli"} <= named
    # provenance lines and the quoted annex are article text
    for key, fragment in (("002", "Annexe article publié par RT"), ("002", "traduit par Réseau International"),
                          ("003", "Traduction : MIRASTNEWS"), ("003", "Source : Sputnik News"),
                          ("000", "RT International reports")):
        assert fragment in results[key][1].body
