from __future__ import annotations

from narratrace.clean import RuleCleaner
from narratrace.records import Article, RawItem, Rejection, SourceRef

PARAS = "".join(
    f"<p>Paragraph {i}: the convoy reached Saraqib after a long delay, officials in the town told reporters."
    "</p>"
    for i in range(5)
)
PAGE = f"""<!doctype html><html><head><title>Convoy reaches Saraqib | The Dispatch</title>
<meta property="og:site_name" content="The Dispatch">
<meta property="article:published_time" content="2020-01-14T09:00:00Z">
<meta name="author" content="Lina Farah"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Convoy reaches Saraqib</h1>{PARAS}
<p>Share this:</p></article>
<div id="comments"><ol class="commentlist">
<li class="comment" id="li-comment-1"><div class="comment-author"><cite class="fn">Omar K</cite></div>
<div class="comment-content"><p>About time.</p></div>
<ol class="children"><li class="comment" id="li-comment-2">
<div class="comment-author"><cite class="fn">Anna</cite></div>
<div class="comment-content"><p>Agreed, but too late.</p></div></li></ol></li>
</ol></div><footer>© 2020 The Dispatch</footer></body></html>"""


def _clean(html: str, **kw: str) -> Article | Rejection:
    return RuleCleaner()(RawItem(source=SourceRef(path="page.html", **kw), fmt="html", html=html))


def test_html_article_metadata_and_authored_comments() -> None:
    art = _clean(PAGE)
    assert isinstance(art, Article)
    assert "Paragraph 4: the convoy reached Saraqib" in art.body
    assert "Home" not in art.body and "About time" not in art.body and "Share this" not in art.body
    assert art.outlet == "The Dispatch" and art.published == "2020-01-14"
    assert art.authors == ("Lina Farah",)
    assert [(c.author, c.text) for c in art.comments] == [("Omar K", "About time."), ("Anna", "Agreed, but too late.")]


def test_malformed_html_still_yields_text_or_a_reason() -> None:
    broken = "<html><body><div><p>" + "Unclosed paragraph about the convoy and the town. " * 20 + "<div><span>"
    art = _clean(broken)
    assert isinstance(art, Article) and "Unclosed paragraph" in art.body
    empty = _clean("<html><head><script>alert(1)</script></head><body><nav>x</nav></body></html>")
    assert isinstance(empty, Rejection) and empty.reason == "no_text"


def test_title_only_item() -> None:
    art = RuleCleaner()(RawItem(source=SourceRef(path="d.jsonl", line=3), fmt="jsonl", title="  Only a title  "))
    assert isinstance(art, Article) and art.body == "" and art.title == "Only a title"


def test_oversized_article_is_rejected() -> None:
    cleaner = RuleCleaner(max_article_chars=1000)
    out = cleaner(RawItem(source=SourceRef(path="x.txt"), fmt="txt", text="word " * 500))
    assert isinstance(out, Rejection) and out.reason == "too_large" and "max_article_chars" in out.detail
