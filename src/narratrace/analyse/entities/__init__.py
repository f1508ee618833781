"""Named entities with canonical identities across spellings and languages.

``EntityStage`` ("entities.v1") finds mentions (spaCy NER for English and French, a
rule fallback for other languages, plus a scan of the alias table in every language)
and gives each a ``canonical_id`` and ``canonical_name`` (see ``canonical.py``).
"""

from __future__ import annotations

from ...records import Article
from .canonical import AliasTable, load_table, resolve
from .ner import ner_mentions

__all__ = ["AliasTable", "EntityStage", "extract_entities", "load_table"]


def extract_entities(text: str, lang: str | None, alias_file: str | None = None, fuzzy: bool = True):  # type: ignore[no-untyped-def]
    """Entities of a text (the plain function behind the stage)."""
    table = load_table(alias_file)
    mentions = ner_mentions(text, lang) + table.scan(text[:200_000])
    return resolve(text, mentions, table, fuzzy=fuzzy)


class EntityStage:
    """Analyser "entities.v1". Options: ``alias_file`` (user YAML alias table), ``fuzzy``."""

    name = "entities.v1"
    role = "analyser"
    requires = ("body", "lang")  # record fields an earlier stage must assign
    assigns = ("entities",)

    def __init__(self, alias_file: str | None = None, fuzzy: bool = True) -> None:
        self.alias_file = alias_file
        self.fuzzy = fuzzy
        if alias_file:
            load_table(alias_file)  # fail at configuration time, with the file's name

    def __call__(self, article: Article) -> Article:
        if not article.body:
            return article
        entities = extract_entities(article.body, article.lang, self.alias_file, self.fuzzy)
        return article.replace(entities=tuple(entities))
