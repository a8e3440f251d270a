"""The built site in a real headless Chromium, served from 127.0.0.1 only."""

from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser import AS_OF, chromium, sample_records  # noqa: F401  (chromium is a fixture)
from generator.site import build_site
from generator.stats.periods import parse_period
from generator.stats.report import build_report

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reports failures itself
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    records = sample_records("zh")
    report = build_report(records, parse_period("2026-Q3"), AS_OF)
    site = root / "site"
    build_site(root, site, records, report, [], AS_OF, "feedc0de")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser_page(chromium, served):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        seen = {"outside": [], "console": [], "errors": []}
        page.on("request", lambda request: None if request.url.startswith((served + "/", "data:"))
                else seen["outside"].append(request.url))
        page.on("console", lambda message: seen["console"].append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: seen["errors"].append(str(error)))
        yield page, seen
        browser.close()


def test_overview_shows_tiles_and_charts(browser_page, served):
    page, seen = browser_page
    page.goto(served + "/index.html")
    assert page.locator(".csi-tile").count() == 9
    assert page.locator("[data-tile=csi] .csi-tile-value").inner_text() != "–"
    assert page.locator("svg.csi-chart").count() == 5  # four monthly trends and the weekly satisfied share
    assert page.locator("svg.csi-chart title").first.text_content() == "各月客户满意度指数（含95%置信区间）"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    page.goto(served + "/items.html")
    assert page.locator("svg.csi-chart-quadrant").count() == 1
    page.screenshot(path=str(ARTIFACTS / "survey-items.png"), full_page=True)
    assert seen["outside"] == [] and seen["console"] == [] and seen["errors"] == []


def test_navigation_reaches_every_page(browser_page, served):
    page, seen = browser_page
    page.goto(served + "/index.html")
    links = page.eval_on_selector_all(".md-nav--primary a.md-nav__link[href]",
                                      "links => [...new Set(links.map(a => a.href.split('#')[0]))]")
    assert len(links) >= 11 + 12  # the topic pages and a page per month
    for link in links:
        response = page.goto(link)
        assert response is not None and response.ok, link
        assert page.locator("article h1").count() == 1, link
    assert seen["outside"] == [] and seen["console"] == [] and seen["errors"] == []


def test_search_finds_a_complaint_by_id(browser_page, served):
    page, seen = browser_page
    page.goto(served + "/index.html")
    _search(page, "CP2026-002")
    hrefs = page.eval_on_selector_all("a.md-search-result__link", "links => links.map(a => a.href)")
    section = [href for href in hrefs if "/complaints.html" in href and "#cp2026-002" in href.lower()]
    assert section, hrefs
    page.goto(section[0])
    heading = page.locator("article h3", has_text="CP2026-002")
    assert heading.count() == 1 and heading.is_visible()
    assert seen["outside"] == [] and seen["console"] == [] and seen["errors"] == []


def _search(page, query: str, patience_s: float = 90) -> None:
    """Type into the header search box (shown on a wide screen) until results for ``query`` show.

    Material reads the box on a key being released (or on focus, or when its
    search worker is ready), not on ``input`` events: ``fill`` alone was seen only
    when the focus happened to be read after it (2 full-suite runs in 3 failed),
    so a key is pressed after it, as a person's typing does.  The worker builds
    its index first, slowly on a loaded CI runner, so the query is typed again
    until results show.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + patience_s
    result = page.locator(".md-search-result__item", has_text=query).first
    while True:
        page.fill("input.md-search__input", query)
        page.press("input.md-search__input", "End")
        try:
            result.wait_for(timeout=10000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "search-failed.png"), full_page=True)
                output = page.locator(".md-search-result__meta").all_inner_texts()
                raise AssertionError(f"no search result for {query!r}; search says {output}") from None


def test_long_tables_sort_without_any_outside_script(browser_page, served):
    page, _ = browser_page
    page.goto(served + "/monthly/index.html")  # twelve months: long enough to be sortable
    table = page.locator("table[data-csi-sortable]")
    assert table.count() == 1
    header = table.locator("th").nth(2)
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    values = [int(v) for v in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert values == sorted(values)
    header.click()
    values = [int(v) for v in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert values == sorted(values, reverse=True)
    page.fill("input.csi-filter", "2026-09")
    assert table.locator("tbody tr:visible").count() == 1


def test_a_months_page_says_its_day_on_paper_without_the_print_hint(browser_page, served):
    page, seen = browser_page
    page.goto(served + "/monthly/2026-09.html")
    line, hint = page.locator("p.csi-provenance"), page.locator("p.csi-provenance .csi-print-hint")
    assert "数据截至 2026-09-30" in line.inner_text() and hint.is_visible()
    page.emulate_media(media="print")
    try:
        assert line.is_visible() and not hint.is_visible()
        assert "数据截至 2026-09-30" in line.inner_text() and "Ctrl+P" not in line.inner_text()
    finally:
        page.emulate_media(media="screen")
    assert seen["outside"] == []
