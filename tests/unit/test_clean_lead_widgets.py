"""Lead zone, widget rows and markup furniture on small pages written for these tests."""

from __future__ import annotations

from lxml import html as lxml_html  # type: ignore[import-untyped]

from narratrace.clean import RuleCleaner
from narratrace.clean.lead import plan_lead
from narratrace.clean.markup import block_text, is_fragment, prune
from narratrace.clean.text import TextCleaner
from narratrace.clean.widgets import menu_like, widget_kind
from narratrace.records import Article, RawItem, SourceRef

CLEANER = TextCleaner()


def test_widget_rows_are_told_by_their_items() -> None:
    assert widget_kind("Telegram   Email   Print") == "share"
    assert widget_kind("Envoyer par e-mail · Imprimer") == "share"
    assert widget_kind("£10   £20   Custom amount") == "donation"
    assert widget_kind("2018   2019   2020") is None  # a row of years is not a donation form
    assert widget_kind("Facebook said it removed the accounts.") is None
    assert menu_like("News | Sport | Culture | Weather")
    assert not menu_like("Aleppo | Analysis")  # two items: a breadcrumb, not a menu


def test_lead_zone_labels_site_menu_and_section_before_the_headline() -> None:
    page = (
        "The Harbour Gazette\nNews | Sport | Culture | Weather\n\nEconomy\n\n"
        "Port workers strike for a third day in Latakia\n\n"
        "LATAKIA – Dock workers stayed away from the container terminal for a third day on Monday.\n"
    )
    plan = plan_lead(page.split("\n"), CLEANER._claimed)
    lines = page.split("\n")
    assert plan.headline is not None and lines[plan.headline].startswith("Port workers strike")
    out = CLEANER.clean(page)
    assert out.title == "Port workers strike for a third day in Latakia"
    assert [r.kind for r in out.removed] == ["navigation", "navigation", "section_label"]
    assert out.outlets == ["The Harbour Gazette"]
    assert out.body.startswith("Port workers strike")


def test_text_without_a_headline_keeps_its_first_paragraph() -> None:
    page = "The council met on Monday and agreed to reopen the market, officials said.\n\nMore later.\n"
    out = CLEANER.clean(page)
    assert out.title is None and out.body.startswith("The council met on Monday")


def test_sentences_that_start_like_debris_stay() -> None:
    page = (
        "Archive reopens to researchers after repairs\n\n"
        "BEIRUT – The national archive reopened its reading room on Monday.\n\n"
        "Published in 2019 by a university press.\n\n"
        "Copyright infringement claims rose in 2020, the report said.\n\n"
        "Residents chip in to rebuild the school.\n"
    )
    out = CLEANER.clean(page)
    for kept in ("Published in 2019", "Copyright infringement claims", "Residents chip in"):
        assert kept in out.body
    assert out.removed == []


def test_comment_form_labels_are_not_comments() -> None:
    page = (
        "Ferry service resumes between Tartus and Arwad\n\n"
        "TARTUS – The ferry sailed again on Sunday after repairs.\n\n"
        "Leave a Reply\nName *\nEmail *\nWebsite\nPost Comment\n"
    )
    out = CLEANER.clean(page)
    assert out.comments == []
    assert [r.kind for r in out.removed] == ["comment_form"] * 5
    assert "Website" not in out.body


def test_markup_furniture_is_recorded_and_captions_lose_their_credit() -> None:
    fragment = (
        "<article><h1>Ferry sails again</h1><p class='byline'>By Ana Ruiz</p>"
        "<figure><img src='x.jpg'><figcaption>The ferry at the quay. © Harbour Photos</figcaption></figure>"
        "<p>TARTUS – The ferry sailed again on Sunday after three weeks of repairs to its engine.</p>"
        "<div class='share-buttons'>Facebook Twitter</div></article>"
    )
    assert is_fragment(fragment)
    tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    pieces = prune(tree)
    assert ("caption", "The ferry at the quay") in pieces and ("photo_credit", "© Harbour Photos") in pieces
    assert ("byline", "By Ana Ruiz") in pieces
    assert block_text(tree).split("\n\n") == [
        "Ferry sails again",
        "TARTUS – The ferry sailed again on Sunday after three weeks of repairs to its engine.",
    ]
    art = RuleCleaner()(RawItem(source=SourceRef(path="d.jsonl", line=1), fmt="jsonl", html=fragment))
    assert isinstance(art, Article)
    assert art.body.startswith("Ferry sails again") and art.authors == ("Ana Ruiz",)
    assert {"caption", "photo_credit", "byline", "share"} <= {r.kind for r in art.removed}


def test_long_text_under_a_furniture_class_is_kept() -> None:
    paras = "".join(
        f"<p>Paragraph {i}: engineers inspected the harbour cranes after the storm and reported damage.</p>"
        for i in range(25)
    )
    page = f"<html><body><div class='content shareable'>{paras}</div></body></html>"
    art = RuleCleaner()(RawItem(source=SourceRef(path="p.html"), fmt="html", html=page))
    assert isinstance(art, Article) and "Paragraph 24: engineers inspected" in art.body


def test_ruleset_picks_the_same_rule_as_a_plain_loop() -> None:
    from narratrace.clean.rules import RuleSet, anchored, default_rules

    assert anchored("^(?:a|b)c") and not anchored("^a|b") and anchored("^[|]x")
    rules = [r for r in default_rules() if r.where == "line"]
    ruleset = RuleSet(rules)
    lines = [
        "Share this:", "© 2020 Harbour Gazette. All rights reserved.", "Reply", "$5   $10",
        "Tags: ports, strikes", "A quiet day in the port, officials said.", "x" * 500,
        "Spotted an error? Write to desk@harbour.example", "Photo: Harbour Photos",
    ]
    for line in lines:
        plain = next(((r, m) for r in rules if (m := r.match(line))), None)
        got = ruleset.first(line)
        assert (got[0] if got else None) == (plain[0] if plain else None), line


def test_dates_feed_the_article_only_from_its_lead_and_body() -> None:
    page = (
        "Ferry service resumes between Tartus and Arwad\n\nPublished 3 May 2021 | 2 min read\n\n"
        "TARTUS – The ferry sailed again on Sunday after repairs.\n\n"
        "2 Comments\n\nKarim88\nMay 9, 2021 at 11:02 am\nGood news at last.\n"
    )
    out = CLEANER.clean(page)
    assert out.date == "3 May 2021"
    assert [(c.author, c.text) for c in out.comments] == [("Karim88", "Good news at last.")]
    thread_only = CLEANER.clean(page.replace("Published 3 May 2021 | 2 min read\n\n", ""))
    assert thread_only.date is None  # a comment's timestamp is not the publication date
