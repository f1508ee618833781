"""Which pieces of an article are encoded and stored as its units (``SentenceSet``).

The union of what the consumers of stored vectors ask for, so each finds its texts:

- the narrative matcher: body sentences (``narratives.lexicon``), the reported clause of
  "X said that ..." sentences, and the headline;
- translation evidence (``stories.relations``): sentences of at least 20 characters;
- the article vector (``embed.pooling``): the body sentences and the headline.

Both read the one sentence splitter with the same bound, so a sentence both ask for is
stored once.
"""

from __future__ import annotations

from ..records import Article, Span
from ..text.sentences import UNIT_CHARS, split_sentences
from .encoder import Encoder
from .memo import encode
from .sentences import TITLE_SPAN, SentenceSet, title_unit

MAX_BODY_CHARS = 60_000  # longer bodies are matched and pooled on their first 60k characters
MAX_SENTENCES = 150


def body_units(body: str) -> list[Span]:
    """The body's sentences as the matcher compares them and the article vector pools them."""
    return split_sentences(body[:MAX_BODY_CHARS], UNIT_CHARS, MAX_SENTENCES)


def article_units(body: str, title: str | None) -> list[tuple[int, int]]:
    """Spans of the units, in a stable order, each once; ``(-1, -1)`` is the headline."""
    from ..narratives.matcher import reported_clause
    from ..stories.relations import translation_units

    spans: dict[tuple[int, int], None] = {}
    for s in body_units(body):
        spans[(s.start, s.end)] = None
        clause = reported_clause(s.text)
        if clause:
            spans[(s.end - len(clause), s.end)] = None
    for c in translation_units(body):
        spans[(c.start, c.start + len(c.text))] = None
    if title_unit(title):
        spans[TITLE_SPAN] = None
    return list(spans)


def encode_units(encoder: Encoder, article: Article) -> SentenceSet:
    """The article's units and their vectors (reusing this article's earlier encodings)."""
    spans = article_units(article.body, article.title)
    texts = [title_unit(article.title) if s < 0 else article.body[s:e] for s, e in spans]
    return SentenceSet.build(spans, encode(encoder, texts))
