"""Issue 15, round 2: what the HTML extractor drops is put back, and fewer false comment threads.

All texts are written by the team for these tests (no real page).
"""

from __future__ import annotations

from narratrace.clean.html import extract_html, thread_like
from narratrace.clean.lead import headline_like, plan_lead, prose_like
from narratrace.clean.pipeline import RuleCleaner
from narratrace.clean.recall import dense, fill_gaps
from narratrace.clean.text import TextCleaner
from narratrace.records import Article, RawItem, SourceRef

EXTRACTED = (
    "The harbour of Valmont opened its third terminal on Monday after six years of work.\n"
    "The mayor said the terminal would bring four hundred jobs to the town by next year."
)
RENDERED = "\n".join([
    "Home",
    "World Europe Business",
    "The harbour of Valmont opened its third terminal on Monday after six years of work.",
    "Residents living near the docks have complained about the noise of the cranes at night.",
    "Share this",
    "The mayor said the terminal would bring four hundred jobs to the town by next year.",
    "Readers also liked the story about the new tram line and what it will cost the town.",
])


def test_a_skipped_sentence_inside_the_article_is_put_back_in_its_place() -> None:
    merged, added = fill_gaps(EXTRACTED, RENDERED)
    assert added == ["Residents living near the docks have complained about the noise of the cranes at night."]
    paras = merged.split("\n\n")
    assert paras[1].startswith("Residents living near") and paras[2].startswith("The mayor said")


def test_nothing_outside_the_article_span_is_added() -> None:
    merged, _ = fill_gaps(EXTRACTED, RENDERED)
    assert "tram line" not in merged and "Home" not in merged and "Share this" not in merged


def test_fill_gaps_needs_two_anchors() -> None:
    one = EXTRACTED.split("\n")[0]
    assert fill_gaps(one, RENDERED) == (one, [])
    assert dense("Ça va, l'ami ?") == "çavalami"


def test_flattened_comments_need_two_real_pieces() -> None:
    assert not thread_like(["Sign in"])
    assert not thread_like(["Reply", "Like"])
    assert thread_like(["I was at the opening and it was crowded.", "Finally some good news for the town!"])


def test_a_paragraph_marked_paywall_is_article_text() -> None:
    paras = "".join(
        f"<p class='paywall'>Paragraph {i} of the story tells what happened at the harbour of Valmont on "
        f"Monday, when the new terminal opened to ships after six years of building work.</p>"
        for i in range(6)
    )
    page = f"<html><body><article><h1>Valmont harbour opens</h1>{paras}</article></body></html>"
    extract = extract_html(page)
    assert extract is not None
    assert "Paragraph 0 of the story" in extract.text and "Paragraph 5 of the story" in extract.text


def test_chinese_paragraph_is_prose_not_a_headline() -> None:
    para = "瓦尔蒙港星期一启用了第三个码头，工程历时六年，市长表示将带来四百个就业岗位。"
    assert not headline_like(para)
    assert prose_like(para)
    lines = ["首页", "国际", "瓦尔蒙港启用新码头", para]
    plan = plan_lead(lines, lambda line: False)
    assert plan.headline == 2


def _page_then_comments(*after: str) -> str:
    """A short pasted article, its "Comments" heading, then ``after``."""
    return "\n".join([
        "Valmont harbour opens a third terminal",
        "",
        "The harbour of Valmont opened its third terminal on Monday after six years of work.",
        "",
        "Comments",
        "",
        *after,
    ])


def test_one_unsigned_block_after_a_comments_link_is_not_a_thread() -> None:
    text = _page_then_comments("Sign up to our weekly letter and get the best stories of the week in your inbox.")
    out = TextCleaner().clean(text)
    assert out.comments == []
    assert "Sign up to our weekly" not in out.body
    assert any(r.kind == "boilerplate" and r.text.startswith("Sign up") for r in out.removed)


def test_a_signed_single_comment_is_still_a_comment() -> None:
    text = _page_then_comments("Marc Delorme", "About time, the old terminal could not take the big ships any more.")
    art = RuleCleaner()(RawItem(source=SourceRef(path="p.txt"), fmt="txt", text=text))
    assert isinstance(art, Article)
    assert [c.author for c in art.comments] == ["Marc Delorme"]
