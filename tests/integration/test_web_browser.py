"""End to end in headless Chromium (Debian's, driven by Playwright): real pages, real CSP.

The server runs on a random 127.0.0.1 port in a thread over a temporary store. The
hostile article proves that script in titles, bodies, outlets, URLs, entities and
comments never runs: no dialog opens, no flag is set on ``window``, no javascript:
link exists. Screenshots go to a temporary folder (``NARRATRACE_SCREENSHOTS`` keeps them).
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from narratrace.config import Settings
from narratrace.records import Article
from narratrace.store import Store, open_store
from narratrace.web import create_app
from tests.integration.network_corpus import HOSTILE_OUTLET, load_network
from tests.integration.web_corpus import load

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed"),
]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serving(store: Store) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(create_app(store, Settings()), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        store.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Article]]]:
    store = open_store(str(tmp_path_factory.mktemp("e2e") / "e2e.db"))
    corpus = load(store)
    with _serving(store) as base:
        yield base, corpus


@pytest.fixture(scope="module")
def network_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = open_store(str(tmp_path_factory.mktemp("e2e-net") / "e2e.db"))
    load_network(store)
    with _serving(store) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.events = {"dialogs": [], "console": []}  # type: ignore[attr-defined]

    def on_dialog(dialog: Any) -> None:
        pg.events["dialogs"].append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("console", lambda msg: pg.events["console"].append(f"{msg.type}: {msg.text}"))  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("NARRATRACE_SCREENSHOTS") or tempfile.mkdtemp(prefix="narratrace-shots-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_page_renders_without_csp_violations(
    server: tuple[str, dict[str, Article]], page: Any, shots: Path
) -> None:
    base, _ = server
    for name, path in [
        ("overview", "/"),
        ("articles", "/articles"),
        ("stories", "/stories"),
        ("narratives", "/narratives"),
        ("narrative", "/narratives/staged-chemical-attacks"),
        ("entities", "/entities"),
        ("entity", "/entities/Q-white-helmets"),
        ("search", "/search?q=chlorine&mode=text"),
    ]:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert page.locator("h1").count() >= 1
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    violations = [m for m in page.events["console"] if "Content Security Policy" in m]
    assert not violations, violations
    assert page.goto(base + "/no/such/page").status == 404


def test_follow_a_story_to_an_article(server: tuple[str, dict[str, Article]], page: Any, shots: Path) -> None:
    base, corpus = server
    page.goto(base + "/stories")
    page.locator("table.list a", has_text="Moscow warns").first.click()
    page.wait_for_url("**/stories/story-idlib")
    assert page.locator("svg.graph circle.node").count() == 4
    assert page.locator("svg.graph line.edge").count() >= 2  # translation and copy edges
    page.screenshot(path=str(shots / "story.png"), full_page=True)
    page.locator("table.list a", has_text="Moscou dénonce").first.click()
    page.wait_for_url(f"**/articles/{corpus['fr'].id}")
    entity = page.locator("mark.hl-entity", has_text="Casques blancs")
    assert "White Helmets" in (entity.get_attribute("title") or "")
    entity.hover()
    assert "Entity (ORG): White Helmets" in page.locator("#explain").inner_text()  # app.js ran under the CSP
    assert page.locator("mark.hl-narrative").count() == 1
    layer = page.locator("button[data-layer=entity]")
    # only the strongest layer (narrative evidence) is highlighted when the page opens
    assert layer.get_attribute("aria-pressed") == "false"
    assert page.locator("#body.hide-entity").count() == 1
    assert page.locator("#body.hide-narrative").count() == 0
    layer.click()  # show the entity layer, then hide it again
    assert layer.get_attribute("aria-pressed") == "true"
    assert page.locator("#body.hide-entity").count() == 0
    layer.click()
    assert page.locator("#body.hide-entity").count() == 1
    # persuasion techniques are a layer of their own, off while other layers are on
    technique = page.locator("mark.hl-technique", has_text="une provocation")
    assert page.locator("#body.hide-technique").count() == 1
    page.locator("button[data-layer=technique]").click()
    assert page.locator("#body.hide-technique").count() == 0
    technique.hover()
    explained = page.locator("#explain").inner_text()
    assert "Technique: Doubt" in explained and "without evidence" in explained and "T0168" in explained
    page.screenshot(path=str(shots / "article.png"), full_page=True)
    page.goto(base + f"/articles/{corpus['en'].id}")
    comments = page.locator("details.folded").first
    assert not comments.evaluate("d => d.open")  # folded away by default
    assert not page.get_by_text("Everyone knew this already.").is_visible()
    comments.locator("summary").click()
    assert page.get_by_text("Everyone knew this already.").is_visible()


def test_search_across_languages(server: tuple[str, dict[str, Article]], page: Any, shots: Path) -> None:
    base, corpus = server
    page.goto(base + "/search")
    page.fill("form.filters input[name=q]", "rescuers film a fake chemical attack")
    page.select_option("form.filters select[name=mode]", "semantic")
    page.fill("form.filters input[name=lang]", "fr")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/search?**")
    first = page.locator("ol.hits li.hit a.hit-title").first
    assert "Moscou dénonce" in first.inner_text()
    page.screenshot(path=str(shots / "search.png"), full_page=True)
    first.click()
    page.wait_for_url(f"**/articles/{corpus['fr'].id}")


def test_script_injection_never_executes(server: tuple[str, dict[str, Article]], page: Any, shots: Path) -> None:
    base, corpus = server
    hostile = corpus["hostile"]
    for path in [
        "/",
        "/articles",
        f"/articles/{hostile.id}",
        "/stories/story-idlib",
        "/entities",
        "/search?q=script+pwned&mode=text",
        "/search?q=%3Cscript%3Ealert(9)%3C/script%3E",
        "/articles?outlet=%3Cscript%3Ealert(7)%3C/script%3E",
    ]:
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__pwned") is None, path
        assert page.locator("a[href^='javascript:'], a[href^='data:']").count() == 0, path
        assert page.locator("main script, main img").count() == 0, path
    assert page.events["dialogs"] == []
    page.goto(base + f"/articles/{hostile.id}")
    assert "<script>" in page.locator("h1").inner_text()  # shown as text, visibly
    assert "javascript:alert(4)" in page.locator("dl.meta").inner_text()  # the URL is text, not a link
    page.locator("details.folded summary").first.click()
    page.wait_for_timeout(100)
    page.screenshot(path=str(shots / "hostile.png"), full_page=True)
    assert page.evaluate("() => window.__pwned") is None
    assert page.events["dialogs"] == []


def test_network_page_to_an_outlet_and_back(network_server: str, page: Any, shots: Path) -> None:
    """The relay graph draws every edge with its tier, hovering says items and lag, a node leads to
    the outlet's page, and a hostile outlet name stays text."""
    page.goto(network_server + "/network")
    assert page.locator("svg.network line.edge").count() == 3
    assert page.locator("svg.network line.tier-translation").count() == 1
    hover = page.locator("svg.network line.tier-translation title").first.text_content() or ""
    assert "Agence Orient -> Le Veilleur: 1 item(s)" in hover and "median lag 24 h" in hover
    assert page.locator("svg.network text", has_text=HOSTILE_OUTLET[:12]).count() == 1
    page.screenshot(path=str(shots / "network.png"), full_page=True)
    page.locator("svg.network a[href='/outlets/Agence%20Orient']").click()
    page.wait_for_url("**/outlets/Agence%20Orient")
    assert page.locator("h1").text_content() == "Agence Orient"
    copied_by = page.locator("section", has=page.locator("h2", has_text="Copied by"))
    assert copied_by.locator("td a", has_text="Geo Front").count() == 1
    page.screenshot(path=str(shots / "outlet.png"), full_page=True)
    assert page.evaluate("window.__pwned === undefined")
    assert not page.events["dialogs"]
    violations = [m for m in page.events["console"] if "Content Security Policy" in m]
    assert not violations, violations
