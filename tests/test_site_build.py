"""The built site: hostile text stays text, privacy, offline, atomic publish."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.browser import AS_OF, PHONES, sample_records
from generator.model import Action, Privacy
from generator.site import SiteBuildError, build_site
from generator.site import external
from generator.site.external import external_urls
from generator.stats.periods import parse_period
from generator.stats.report import build_report

HOSTILE = ("<script>alert(1)</script> [x](javascript:alert(1)) {: onclick=alert(1)} | a|b "
           "{{ x }} {% if %}\nsecond line <img src=x onerror=alert(2)>")


def _build(root: Path, records, site: Path | None = None, monthly=None) -> Path:
    site = site or root / "site"
    report = build_report(records, parse_period("2026-Q3"), AS_OF)
    build_site(root, site, records, report, [], AS_OF, "feedc0de", monthly)
    return site


def _html_files(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts_inline: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts_inline.append(data)
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    records = sample_records("en", text=HOSTILE)
    # a counter-measure aimed at a complaint category: its title is shown beside the Pareto chart
    records.actions.append(Action("A2026-09", "improve", HOSTILE, "SM01", date(2026, 11, 30), "in_progress",
                                  category="noise", start=date(2026, 9, 1)))
    return _build(root, records, monthly=[])


def test_hostile_text_appears_only_as_text(hostile_site):
    pages = _html_files(hostile_site)
    seen = 0
    for name, html in pages.items():
        elements = _Elements()
        elements.feed(html)
        assert not any("alert(" in script for script in elements.scripts_inline), name
        for tag, attribute, value in elements.attributes:
            assert not attribute.startswith("on"), (name, tag, attribute)
            assert not value.strip().lower().startswith("javascript:"), (name, tag, attribute)
            assert not (tag == "img" and value == "x"), name
        text = "".join(elements.text)
        seen += text.count("<script>alert(1)</script> [x](javascript:alert(1)) {: onclick=alert(1)} | a|b "
                           "{{ x }} {% if %}")
    assert seen >= 20  # every free-text field, on several pages
    complaints = "".join(_Elements_text(pages["complaints.html"]))
    assert "second line <img src=x onerror=alert(2)>" in complaints


def test_a_counter_measures_title_beside_the_pareto_chart_is_text(hostile_site):
    complaints = "".join(_Elements_text((hostile_site / "complaints.html").read_text(encoding="utf-8")))
    pareto = complaints.split("Complaints by category (Pareto)")[-1]
    assert "A2026-09 <script>alert(1)</script> [x](javascript:alert(1))" in pareto


def _Elements_text(html: str) -> list[str]:
    elements = _Elements()
    elements.feed(html)
    return elements.text


def test_hostile_text_in_the_search_index_is_text(hostile_site):
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = " ".join(doc["text"] for doc in index["docs"])
    assert "<script>" not in texts and "&lt;script&gt;alert(1)&lt;/script&gt;" in texts


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    return _build(root, sample_records("zh"))


def test_no_full_phone_number_anywhere_under_the_site(sample_site):
    for path in sample_site.rglob("*"):
        if path.is_file():
            content = path.read_bytes().decode("utf-8", errors="replace")
            for phone in PHONES:
                assert phone not in content, (path, phone)
                assert re.sub(r"\D", "", phone) not in content, (path, phone)


def test_masked_names_reach_the_search_index(sample_site):
    index = json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = " ".join(doc["text"] for doc in index["docs"])
    assert "张* (C0001)" in texts and "138****5678" in texts
    assert "张伟" not in texts and "欧阳娜娜" not in texts and "John Smith" not in texts


def test_names_and_numbers_quoted_in_free_text_are_masked_everywhere(tmp_path):
    records = sample_records("zh")
    said = ("客户张伟反映异响，欧阳娜娜也来电；John Smith called from １３９－００００－１１１１, "
            "again 139 - 0000 - 1111, home 0086-755-12345678. Tomorrow Tom comes.")
    records.complaints[0] = records.complaints[0]._replace(description=said, resolution="已回访张伟")
    records.actions[0] = records.actions[0]._replace(measures="回访客户欧阳娜娜")
    site = _build(tmp_path, records, monthly=[])
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".md"):
            content = path.read_text(encoding="utf-8")
            for shown in ("张伟", "欧阳娜娜", "John Smith", "１３９－００００－１１１１", "0000 - 1111", "12345678"):
                assert shown not in content, (path, shown)
    complaints = (site / "complaints.html").read_text(encoding="utf-8")
    assert ("客户张*反映异响，欧阳**也来电；J*** S**** called from 139****1111, again 139****1111, "
            "home 0755-****5678. Tomorrow Tom comes.") in complaints
    assert "<strong>" not in complaints  # the masks' stars are no emphasis


def test_a_staff_member_who_shares_a_customers_name_is_still_named(tmp_path):
    # a customer called 王强, as SA01 is, masked SA01 to 王* on every page
    records = sample_records("zh")
    records.customers[1] = records.customers[1]._replace(name="王强")
    records.complaints[0] = records.complaints[0]._replace(description="客户王强来电")
    site = _build(tmp_path, records, monthly=[])
    assert "王强 (SA01)" in (site / "staff.html").read_text(encoding="utf-8")
    complaints = (site / "complaints.html").read_text(encoding="utf-8")
    assert "王强 (SA01)" in complaints and "客户王*来电" in complaints and "客户王强" not in complaints


def test_a_customer_whose_name_is_a_word_is_masked_as_a_name_and_the_word_stays(tmp_path):
    # a customer called 高峰 ("peak") turned an action's 早高峰接待人员不足 into 早高*接待人员不足
    records = sample_records("zh")
    records.customers[1] = records.customers[1]._replace(name="高峰")
    records.customers[5] = records.customers[5]._replace(
        name="平安", lost=records.customers[5].lost._replace(note="平安说平安车险到期就换店"))
    records.actions[0] = records.actions[0]._replace(cause="早高峰接待人员不足", measures="客户高峰先生投诉后增派接待")
    records.complaints[1] = records.complaints[1]._replace(description="高峰时段等了两小时")  # 高峰's own complaint
    records.complaints[0] = records.complaints[0]._replace(description="高峰时段等了两小时")  # 张伟's
    said_by = {visit.id: visit.customer for visit in records.visits}
    records.followups = [followup._replace(comment="高峰时段没人接待") if followup.comment else followup
                         for followup in records.followups]
    site = _build(tmp_path, records, monthly=[])
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".md"):
            content = path.read_text(encoding="utf-8")
            for name in ("高峰先生", "高峰 (C0002)", "平安说", "平安 (C0006)"):
                assert name not in content, (path, name)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = " ".join(doc["text"] for doc in index["docs"])
    actions = (site / "actions.html").read_text(encoding="utf-8")
    for page in (actions, texts):
        assert "早高峰接待人员不足" in page and "客户高*先生投诉后增派接待" in page
    complaints = (site / "complaints.html").read_text(encoding="utf-8")
    # the description of 高峰's complaint masks 高峰 even in a word; 张伟's keeps the word
    assert re.search(r"CP2026-002.*?高\*时段等了两小时", complaints, re.S)
    assert re.search(r"CP2026-001.*?: 高峰时段等了两小时", complaints, re.S)
    assert "平*说平*车险到期就换店" in (site / "retention.html").read_text(encoding="utf-8")
    followups = (site / "followups.html").read_text(encoding="utf-8")
    not_fixed = [said_by[followup.visit] for followup in records.followups if followup.fixed is False]
    assert "C0002" in not_fixed and any(customer != "C0002" for customer in not_fixed)
    assert "高*时段没人接待" in followups and "高峰时段没人接待" in followups


def test_complaints_are_in_the_search_index_by_id(sample_site):
    index = json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"] if "CP2026-002" in doc["title"]]
    assert locations and locations[0].startswith("complaints.html#")


def test_nothing_in_the_built_site_loads_from_another_host(sample_site):
    assert external_urls(sample_site) == []
    for path in sample_site.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            content = path.read_text(encoding="utf-8")
            for host in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com"):
                assert host not in content, (path, host)


def test_masking_off_shows_full_numbers(tmp_path):
    records = sample_records("en", privacy=Privacy(mask_names=False, mask_phones=False))
    site = _build(tmp_path, records, monthly=[])
    assert "13812345678" in (site / "care.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("content, url", [
    ('<img src="https://example.com/a.png">', "https://example.com/a.png"),
    ("<link href='//cdn.example.org/x.css' rel=stylesheet>", "//cdn.example.org/x.css"),
    ('<style>@import "https://fonts.googleapis.com/css";</style>', "https://fonts.googleapis.com/css"),
])
def test_external_check_names_file_and_url(tmp_path, content, url):
    (tmp_path / "page.html").write_text(f"<html>{content}<a href='local.html'>x</a></html>", encoding="utf-8")
    assert (("page.html", url) in external_urls(tmp_path))


def test_the_offline_check_skips_only_what_cannot_match():
    """Random pages built from URL fragments, hosts in mixed case and the letters
    re.IGNORECASE folds to ASCII (fontſ.googleapis is fonts.googleapis to the browser's
    eye and to the pattern): the checked scan finds exactly what the full scan finds."""
    rng = random.Random(20261128)
    pieces = ["<img src=", "href = '", "url(", "@import ", "import(", "fetch(\"", "//", "https:", "http://",
              "localhost/", "a.example/x", " ", "\n", ">", "'", "\"", "测试", "İ", "ı", "ſ", "\u212a",
              "srcset=\"a.png 1x, ", "image-set(", "content='0; url=", ",", "\\\\", "\\", "https:", "wss:", "sendBeacon(",
              "<script>", "</script>",
              "fonts.googleapis", "UNPKG.COM", "cdn.jsdel", "ivr", "polyfill.io", "www.w3.org/2000/svg"]
    seen_hosts = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        if rng.random() < 0.3:
            text = "".join(letter.upper() if rng.random() < 0.5 else letter for letter in text)
        for suffix in (".html", ".css", ".js"):
            read = external.markup_of(text) if suffix == ".html" else text
            expected = external._found(read, external.loads_of(suffix), known_hosts=True)  # every pattern run
            assert external._outside_urls(suffix, text.encode("utf-8")) == expected, (suffix, text)
            seen_hosts += bool(expected)
    assert seen_hosts > 1000  # the pages did name outside URLs, in many spellings
    assert external._outside_urls(".html", "<script>'fontſ.googleapis'</script>".encode()) == ["fontſ.googleapis"]


@pytest.mark.parametrize("page, url", [
    ('<img srcset="a.png 1x, https://x.example/b.png 2x">', "https://x.example/b.png"),
    ("<link rel=preload imagesrcset='a.png 480w,//y.example/b.png 960w'>", "//y.example/b.png"),
    ('<meta http-equiv="refresh" content="0; URL=\'https://z.example/\'">', "https://z.example/"),
    ('<style>h1{background:image-set(url(a.png) 1x, "//w.example/b.png" 2x)}</style>', "//w.example/b.png"),
    # a template in site_templates/ could write these: the browser loads each from another host
    ('<img src="\\\\v.example\\a.png">', "\\\\v.example\\a.png"),
    ("<link rel=prefetch href=https:u.example/d>", "https:u.example/d"),
    ('<script>navigator.sendBeacon("https://t.example/i")</script>', "https://t.example/i"),
    ("<script>request.open('POST', '//s.example/j')</script>", "//s.example/j"),
    ('<script>const socket = new WebSocket("wss://r.example")</script>', "wss://r.example"),
])
def test_the_offline_check_reads_every_url_of_a_list_and_a_refresh(page, url):
    assert external._outside_urls(".html", f"<html>{page}</html>".encode()) == [url]


def test_a_meta_text_naming_a_site_is_no_load():
    page = '<meta name="description" content="Reviews: https://a.example, 4.8 stars">'
    assert external._outside_urls(".html", page.encode()) == []


def test_text_a_page_shows_or_the_search_index_holds_is_no_load(tmp_path):
    # a complaint naming unpkg.com, or a note with url(//x.example/a.png), stopped the build
    said = "customer posted on unpkg.com and fonts.googleapis.com: url(//x.example/a.png) src=//y.example"
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"docs": [{"text": said}]}), encoding="utf-8")
    (tmp_path / "page.html").write_text(f"<html><p>{said}</p><img src='//cdn.example.org/a.png'>"
                                        "<style>b{background:url(//s.example/b.png)}</style>"
                                        "<script>load('https://unpkg.com/x')</script></html>", encoding="utf-8")
    assert external_urls(tmp_path) == [("page.html", "//cdn.example.org/a.png"), ("page.html", "//s.example/b.png"),
                                       ("page.html", "unpkg.com")]
    # a '>' inside an attribute's quotes does not end the tag
    for tag, url in [('<img alt="1 > 0" src="https://cdn.example.com/a.png">', "https://cdn.example.com/a.png"),
                     ("<b onclick='a > b' style=\"background:url(//c.example/b.png)\">", "//c.example/b.png")]:
        assert external._outside_urls(".html", f"<p>text</p>{tag}x".encode()) == [url]


def test_a_failing_build_leaves_the_published_site_untouched(tmp_path):
    records = sample_records("en")
    site = _build(tmp_path, records, monthly=[])
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "site_templates" / "staff.md.j2").write_text("{{ report.nope }}\n", encoding="utf-8")
    records.complaints.pop()
    with pytest.raises(SiteBuildError, match=r"staff\.md\.j2:1: UndefinedError"):
        _build(tmp_path, records, monthly=[])
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.") and p.is_dir()]
    assert leftovers == []


def test_an_outside_url_fails_the_build_and_publishes_nothing(tmp_path):
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "site_templates" / "care.md.j2").write_text(
        '# Care\n\n<img src="https://tracker.example.com/p.gif">\n', encoding="utf-8")
    with pytest.raises(SiteBuildError) as failure:
        _build(tmp_path, sample_records("en"), monthly=[])
    assert "care.html: https://tracker.example.com/p.gif" in str(failure.value)
    assert not (tmp_path / "site").exists()


def test_deleted_records_disappear_from_the_rebuilt_site(tmp_path):
    records = sample_records("en")
    site = _build(tmp_path, records, monthly=[])
    assert "CP2026-003" in (site / "complaints.html").read_text(encoding="utf-8")
    records.complaints = [c for c in records.complaints if c.id != "CP2026-003"]
    _build(tmp_path, records, monthly=[])
    assert "CP2026-003" not in (site / "complaints.html").read_text(encoding="utf-8")


def test_plain_mkdocs_build_works_on_the_generated_folder(sample_site, tmp_path):
    config = sample_site.parent / ".csi" / "mkdocs" / "mkdocs.yml"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config),
                           "-d", str(tmp_path / "plain")], capture_output=True, text=True,
                          env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "plain" / "items.html").is_file()


def test_compiled_templates_are_kept_but_an_edited_template_is_compiled_again(tmp_path):
    records = sample_records("en")
    (tmp_path / "site_templates").mkdir()
    override = tmp_path / "site_templates" / "care.md.j2"
    override.write_text("# Care\n\nfirst wording {{ report.care.total }}\n", encoding="utf-8")
    site = _build(tmp_path, records, monthly=[])
    jinja = tmp_path / ".csi" / "cache" / "jinja"
    assert {p.relative_to(jinja).parts[0] for p in jinja.rglob("*.cache")} == {"pages", "theme"}
    override.write_text("# Care\n\nsecond wording {{ report.care.total }}\n", encoding="utf-8")
    _build(tmp_path, records, monthly=[])
    care = (site / "care.html").read_text(encoding="utf-8")
    assert "second wording" in care and "first wording" not in care


def test_a_damaged_template_cache_is_only_a_miss(tmp_path):
    records = sample_records("en")
    first = {name: html for name, html in _html_files(_build(tmp_path, records, tmp_path / "one", [])).items()}
    for cached in (tmp_path / ".csi" / "cache" / "jinja").rglob("*.cache"):
        cached.write_bytes(b"j2 not bytecode at all")
    second = _html_files(_build(tmp_path, records, tmp_path / "two", []))
    assert second.keys() == first.keys()
    assert second["care.html"] == first["care.html"]


def test_the_theme_listing_skips_hidden_folders_and_mkdocs_copies_the_same_files(tmp_path):
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from generator.site.build import _theme_listing

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ntheme:\n  name: material\n", encoding="utf-8")

    def theme_files(with_listing: bool) -> tuple[list[str], list[str]]:
        config = load_config(config_file=str(tmp_path / "mkdocs.yml"))
        if with_listing:
            config.plugins["csi-theme-listing"] = _theme_listing()
        config = config.plugins.on_config(config)
        env, files = config.theme.get_env(), Files([])
        files.add_files_from_theme(env, config)
        return sorted(file.src_uri for file in files), env.loader.list_templates()

    (plain, everything), (ours, listed) = theme_files(False), theme_files(True)
    assert ours == plain and len(ours) > 10
    hidden = set(everything) - set(listed)
    assert len(hidden) > 1000 and all(any(part.startswith(".") for part in path.split("/")) for path in hidden)


def test_a_file_where_the_work_folder_goes_is_a_clear_failure_not_a_crash(tmp_path):
    from click.testing import CliRunner

    from generator.cli import main
    from tests.conftest import CUSTOMER, VISIT, write_garage

    root = write_garage(tmp_path / "garage", {"records/customers/c.yaml": CUSTOMER, "records/visits/v.yaml": VISIT})
    (root / ".csi").write_text("not a folder\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--as-of", "2026-07-01"])
    work, site = (root / ".csi").resolve(), (root / "site").resolve()
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == (
        f"build failed: could not write {work}: a file is there where csi needs a folder; the pages are made "
        f"under {work} and published to {site}: each must be a folder you can write to, on a disk with room "
        "(the published site was left as it was)")
    assert (root / ".csi").read_text(encoding="utf-8") == "not a folder\n"
    assert not site.exists()


def test_a_site_that_cannot_be_moved_into_place_leaves_the_published_one(tmp_path, monkeypatch):
    from generator.site import publish

    records = sample_records("en")
    site = _build(tmp_path, records, monthly=[])
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    renames = []

    def rename_failing_into_place(source, destination):
        renames.append(Path(destination))
        if Path(destination) == site.resolve() and len(renames) == 2:  # the new site, once
            raise PermissionError(13, "Permission denied", str(destination))
        return real_rename(source, destination)

    real_rename = publish.os.rename
    monkeypatch.setattr(publish.os, "rename", rename_failing_into_place)
    records.complaints.pop()
    with pytest.raises(SiteBuildError, match=r"^could not write .*site: Permission denied; "):
        _build(tmp_path, records, monthly=[])
    monkeypatch.undo()
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == [".site.lock"]


def test_a_swap_waits_while_another_build_holds_the_lock(tmp_path):
    """Two builds finishing together: the second's renames wait for the first's, so the
    published folder is never missing or mixed."""
    import threading

    from generator.site import publish

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    new = publish.fresh_folder(site, "build")
    (new / "index.html").write_text("new", encoding="utf-8")
    with publish._locked(site):
        swapper = threading.Thread(target=publish.swap_in, args=(new, site))
        swapper.start()
        swapper.join(0.5)
        assert swapper.is_alive()
        assert (site / "index.html").read_text(encoding="utf-8") == "old"
    swapper.join(30)
    assert not swapper.is_alive()
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(path.name for path in tmp_path.iterdir()) == [".site.lock", "site"]


def test_numbers_typed_into_free_text_with_dashes_dots_or_a_plus_are_masked(tmp_path):
    # Markdown escaping put a backslash before - . ( ) +, so 0755-12345678 in a complaint's
    # description was no longer the number as typed, and the page-wide sweep passed it over
    typed = "请回电 0755-12345678 或 138.1234.5678 或 +86 139 0000 1111 (020) 8765-4321"
    import dataclasses

    records = sample_records("zh", text=typed)
    records.garage = dataclasses.replace(records.garage, name="示例汽车服务")  # (the garage's own name is no customer's)
    site = _build(tmp_path, records, monthly=[])
    shown = 0
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json"):
            content = path.read_bytes().decode("utf-8", errors="replace")
            shown += content.count("0755-****5678")
            for number in ("0755-12345678", "138.1234.5678", "139 0000 1111", "8765-4321", "12345678", "13812345678"):
                assert number not in content, (path, number)
    assert shown >= 10  # the masked number is there, on the complaint, follow-up and customer pages


def test_switching_the_sites_language_leaves_no_word_of_the_other_in_cached_templates(tmp_path):
    # Jinja folds a filter of constants ('customer_service'|label('role')) into the compiled
    # template; the template cache outlives a change of garage.yaml's language
    chinese = _html_files(_build(tmp_path, sample_records("zh"), tmp_path / "zh", []))
    english = _html_files(_build(tmp_path, sample_records("en"), tmp_path / "en", []))
    assert "客服专员" in chinese["staff.html"]
    assert "客服专员" not in english["staff.html"] and ">customer service<a" in english["staff.html"]
    again = _html_files(_build(tmp_path, sample_records("zh"), tmp_path / "zh-again", []))
    assert "客服专员" in again["staff.html"] and ">customer service<a" not in again["staff.html"]


def test_templates_compiled_when_a_filter_took_no_context_are_not_reused_once_it_does(tmp_path):
    # compiled code passes the context to a filter that takes it: code compiled for the
    # filter as it was would call the new one without it ("missing 'group'")
    from jinja2 import DictLoader, Environment, pass_context

    from generator.render.template_cache import use_template_cache

    def environment(label):
        env = Environment(loader=DictLoader({"page": "{{ role|label('role') }}"}))
        env.filters["label"] = label
        return use_template_cache(env, tmp_path)

    plain = environment(lambda value, group: f"{group}:{value}")
    assert plain.get_template("page").render(role="technician") == "role:technician"
    taking = environment(pass_context(lambda context, value, group: f"{group}={value}"))
    assert taking.get_template("page").render(role="technician") == "role=technician"
