"""The web test corpus with its relay edges derived by the network stage, plus a hostile relay
(an outlet whose name is markup) copying the wire report, for the network pages' tests."""

from __future__ import annotations

from narratrace.network.stage import NetworkStage
from narratrace.records import Article, Relation, SourceRef
from narratrace.store import Store
from tests.integration.web_corpus import XSS, load

HOSTILE_OUTLET = f"Relay{XSS}"


def load_network(store: Store) -> dict[str, Article]:
    corpus = load(store)
    en = corpus["en"]
    relay = Article(id="e" * 16, content_hash="e" * 64, source=SourceRef(path="relay.txt"), body=en.body,
                    outlet=HOSTILE_OUTLET, lang="en", title="Relayed briefing", published="2019-03-29",
                    story_id=en.story_id, duplicate_of=en.id, relations=(Relation("republished_from", en.id, 0.99),))
    store.articles.add(relay, store.runs.start("test", ["network_corpus"]))
    corpus["relay"] = relay
    NetworkStage().update(store, [a.id for a in corpus.values()])
    return corpus
