"""The published site shows the numbers ``csi stats --format json`` computes, page by page.

Two whole garages go through the real commands (Click's CliRunner): a
``csi demo`` garage and the sample garage (the committed ``records/`` when
present, else a fresh ``csi demo --profile sample``).  Each is built once per
module; the tests then read the generated Markdown under
``ROOT/.csi/mkdocs/docs`` with a small pipe-table parser and compare every
figure with the JSON, formatted from the JSON's value the way a reader expects
it (87% for 0.873, one decimal for CSI and means).  Names, item texts and
labels come from the records, the questionnaire and ``generator.render.i18n``,
never from the page itself.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.render.i18n import label, text

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-10-08"
DEMO_CUSTOMERS, DEMO_SEED = 60, 5
DASH = "–"

# ---------------------------------------------------------------- formatting
# What a reader expects for a value: derived from the value, not read off a page.


def pct(value: float | None) -> str:
    return DASH if value is None else f"{round(value * 100)}%"


def one(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{round(value, digits):.{digits}f}"


# ---------------------------------------------------------------- Markdown tables


@dataclass
class Table:
    heading: str  # the nearest heading above the table
    header: list[str]
    rows: list[list[str]]

    def column(self, title: str) -> list[str]:
        index = self.header.index(title)
        return [row[index] for row in self.rows]

    def pairs(self) -> dict[str, str]:
        """A two-column label | value table as a mapping."""
        return {row[0]: row[1] for row in self.rows}


def unescape(markdown: str) -> str:
    """A cell or line as the reader sees it: links, backslash escapes and entities resolved, bold dropped."""
    linked = re.sub(r"(?<!\\)\[(.*?)(?<!\\)\]\([^)]*\)", r"\1", markdown)
    plain = re.sub(r"\\(.)", r"\1", linked)
    return html.unescape(plain.replace("**", "")).strip()


def _cells(line: str) -> list[str]:
    """Split a table row on the pipes that are not escaped."""
    cells, current, chars = [], "", iter(line.strip()[1:-1])
    for char in chars:
        if char == "\\":
            current += char + next(chars, "")
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    return [unescape(cell) for cell in cells + [current]]


def tables(markdown: str) -> list[Table]:
    found, heading, block = [], "", []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            found.append(Table(heading, _cells(block[0]), [_cells(row) for row in block[2:]]))
            block = []
        if line.startswith("#"):
            heading = unescape(line.lstrip("#"))
    return found


def table(markdown: str, heading: str, first: str | None = None) -> Table:
    """The one table under ``heading`` (whose first column is titled ``first``, when given)."""
    chosen = [t for t in tables(markdown) if t.heading == heading and (first is None or t.header[0] == first)]
    assert len(chosen) == 1, f"{len(chosen)} tables under {heading!r} starting {first!r}"
    return chosen[0]


def section(markdown: str, heading: str, level: int = 2) -> str:
    """The text between ``## heading`` (``level`` hashes) and the next heading of that level or above."""
    parts = re.split(rf"^#{{2,{level}}} (.*)$", markdown, flags=re.M)
    for title, body in zip(parts[1::2], parts[2::2]):
        if unescape(title) == heading:
            return body
    raise AssertionError(f"no section {heading!r}")


TILE = re.compile(r'data-tile="(?P<key>\w+)"><div class="csi-tile-title">(?P<title>.*?)</div>'
                  r'<div class="csi-tile-value">(?P<value>.*?)</div>'
                  r'(?:<div class="csi-tile-target">(?P<target>.*?)</div>)?'
                  r'(?:<div class="csi-tile-note">(?P<note>.*?)</div>)?</div>')


def tiles(markdown: str) -> dict[str, dict[str, str]]:
    return {m["key"]: {k: html.unescape(v or "") for k, v in m.groupdict().items()} for m in TILE.finditer(markdown)}


# ---------------------------------------------------------------- garages


def csi(*arguments: object):
    """Run a csi command as a user would; an exception escaping the CLI (a traceback) fails the test."""
    result = CliRunner().invoke(main, [str(a) for a in arguments])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


# Every value read as a string, as typed: the test's own reading, independent of generator.load.
TYPED_AS_TEXT = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def read_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=TYPED_AS_TEXT)


def read_yaml_records(root: Path, kind: str) -> list[dict]:
    """Records as typed: files hold one record or a list."""
    found = []
    for path in sorted((root / "records" / kind).rglob("*.yaml")):
        loaded = read_yaml(path)
        found.extend(loaded if isinstance(loaded, list) else [loaded] if loaded else [])
    return found


def set_setting(root: Path, key: str, value: str) -> None:
    """Change one ``key: value`` line of garage.yaml, keeping its comment."""
    settings = root / "garage.yaml"
    before = settings.read_text(encoding="utf-8")
    after, count = re.subn(rf"^(\s*{key}:\s*)[^\s#]+", rf"\g<1>{value}", before, flags=re.M)
    assert count == 1, key
    settings.write_text(after, encoding="utf-8")


@dataclass
class Garage:
    root: Path
    site: Path
    report: dict
    output: str
    read: dict = field(default_factory=dict, repr=False)  # what the test read from the garage, once

    def records(self, kind: str) -> list[dict]:
        if kind not in self.read:
            self.read[kind] = read_yaml_records(self.root, kind)
        return self.read[kind]

    def settings(self) -> dict:
        if "garage.yaml" not in self.read:
            self.read["garage.yaml"] = read_yaml(self.root / "garage.yaml")
        return self.read["garage.yaml"]

    @property
    def docs(self) -> Path:
        return self.root / ".csi" / "mkdocs" / "docs"

    @property
    def language(self) -> str:
        return self.report["language"]

    def page(self, name: str) -> str:
        return (self.docs / name).read_text(encoding="utf-8")

    def t(self, key: str, **values) -> str:
        return text(self.language, key, **values)

    def label(self, group: str, value: str) -> str:
        return label(self.language, group, value)

    def staff(self, staff_id: str) -> str:
        names = {s["id"]: s["name"] for s in self.settings()["staff"]}
        return f"{names[staff_id]} ({staff_id})" if staff_id in names else staff_id

    def item_text(self, item_id: str) -> str:
        if "survey" not in self.read:
            self.read["survey"] = read_yaml(self.root / "surveys" / f"{self.report['survey']}.yaml")
        survey = self.read["survey"]
        items = [i for s in survey["sections"] for i in s["items"]] + [survey.get("overall") or {}]
        return next(i["text"][self.language] for i in items if i.get("id") == item_id)


def build_garage(root: Path) -> Garage:
    stats = csi("stats", "--root", root, "--format", "json", "--as-of", AS_OF)
    assert stats.exit_code == 0, stats.output
    built = csi("build", "--root", root, "--site-dir", root / "site", "--as-of", AS_OF)
    assert built.exit_code == 0, built.output
    return Garage(root, root / "site", json.loads(stats.stdout), built.output)


def copy_garage(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".csi", "site"))
    return target


@pytest.fixture(scope="module")
def sample_source(tmp_path_factory) -> Path:
    """The sample garage: the committed records when there are any, else the sample profile written afresh."""
    root = tmp_path_factory.mktemp("sample-source") / "garage"
    root.mkdir()
    shutil.copy(REPO / "garage.yaml", root / "garage.yaml")
    shutil.copytree(REPO / "surveys", root / "surveys")
    if any((REPO / "records").rglob("*.yaml")):
        shutil.copytree(REPO / "records", root / "records")
    else:
        from generator.demo import SAMPLE_CUSTOMERS, SAMPLE_SEED
        written = csi("demo", "--profile", "sample", "--out", root, "--customers", SAMPLE_CUSTOMERS,
                      "--seed", SAMPLE_SEED, "--layout", "month")
        assert written.exit_code == 0, written.output
    return root


def _variant(sample_source: Path, tmp_path_factory, name: str, **settings: str) -> Garage:
    root = copy_garage(sample_source, tmp_path_factory.mktemp(name) / "garage")
    for key, value in settings.items():
        set_setting(root, key, value)
    return build_garage(root)


@pytest.fixture(scope="module")
def sample(sample_source, tmp_path_factory) -> Garage:
    return _variant(sample_source, tmp_path_factory, "sample-zh", language="zh")


@pytest.fixture(scope="module")
def sample_en(sample_source, tmp_path_factory) -> Garage:
    return _variant(sample_source, tmp_path_factory, "sample-en", language="en")


@pytest.fixture(scope="module")
def sample_unmasked(sample_source, tmp_path_factory) -> Garage:
    return _variant(sample_source, tmp_path_factory, "sample-open", mask_names="false", mask_phones="false")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Garage:
    root = tmp_path_factory.mktemp("demo") / "garage"
    written = csi("demo", "--out", root, "--customers", DEMO_CUSTOMERS, "--seed", DEMO_SEED, "--as-of", AS_OF)
    assert written.exit_code == 0, written.output
    return build_garage(root)


@pytest.fixture(params=["demo", "sample"])
def garage(request) -> Garage:
    return request.getfixturevalue(request.param)


# ---------------------------------------------------------------- page by page


def test_every_page_is_on_the_period_csi_stats_reports(garage):
    report = garage.report
    counted = sum(len(garage.records(kind))
                  for kind in ("customers", "visits", "followups", "complaints", "actions"))
    expected = re.escape(garage.t("provenance", as_of=report["as_of"], commit="COMMIT", records=counted,
                                  period=report["period"]["label"])).replace("COMMIT", ".+?")
    for name in ("index.md", "items.md", "actions.md", "staff.md", "followups.md", "complaints.md", "care.md",
                 "retention.md", "quality.md", "monthly/index.md"):
        built = (garage.site / name.replace(".md", ".html")).read_text(encoding="utf-8")
        line = html.unescape(re.search(r'<p class="csi-provenance">(.*?)</p>', built)[1])
        assert re.fullmatch(expected, line), (name, line)


def tile_title(garage, key: str) -> str:
    words = {"complaints_open": {"day": garage.report["as_of"]}, "complaints_overdue": {"day": garage.report["as_of"]},
             "complaints_responded_in_time": {"hours": response_hours(garage)}}
    return garage.t(key, **words.get(key, {}))


def test_overview_tiles_equal_the_json(garage):
    report = garage.report
    shown = tiles(garage.page("index.md"))
    csi_, followups = report["csi"], report["followups"]
    complaints, actions = report["complaints"], report["actions"]
    expected = {
        "csi": one(csi_["value"]),
        "satisfied_share": pct(report["satisfied_share"]),
        "coverage": pct(followups["coverage"]),
        "complaints_received": str(complaints["received"]),
        # the backlog on the as-of day, with the period's share of it in the note
        "complaints_open": str(complaints["backlog_open"]),
        "complaints_overdue": str(complaints["backlog_overdue"]),
        "complaints_responded_in_time": pct(complaints["responded_in_time"]["share"]),
        "complaints_resolved_in_time": pct(complaints["resolved_in_time"]["share"]),
        "actions_overdue": str(actions["overdue"]),
    }
    assert {key: tile["value"] for key, tile in shown.items()} == expected
    assert {key: tile["title"] for key, tile in shown.items()} == {key: tile_title(garage, key) for key in expected}
    assert [shown[key]["note"] for key in ("complaints_received", "complaints_open", "complaints_overdue")] == [
        report["period"]["label"], garage.t("of_them_this_period", count=complaints["open"]),
        garage.t("of_them_this_period", count=complaints["overdue"])]
    for key in ("responded_in_time", "resolved_in_time"):
        assert shown[f"complaints_{key}"]["note"] == f"{complaints[key]['count']}/{complaints[key]['n']}"
    assert shown["csi"]["note"] == (f"{garage.t('ci')} {one(csi_['ci_low'])}–{one(csi_['ci_high'])} · "
                                    f"{garage.t('n_is', n=csi_['n'])}")
    assert shown["coverage"]["note"] == f"{followups['covered']}/{followups['eligible']}"


def test_overview_compares_with_the_previous_period_and_a_year_before(garage):
    report = garage.report
    rows = table(garage.page("index.md"), f"{garage.t('period')}: {report['period']['label']}").rows
    assert rows[0][:3] == [report["period"]["label"], one(report["csi"]["value"]), str(report["csi"]["n"])]
    for row, key, title in zip(rows[1:], ("previous", "year_before"), ("previous_period", "year_before")):
        other = report["comparison"][key]
        assert row[0] == f"{garage.t(title)} {other['period']['label']}"
        assert row[1:3] == [one(other["csi"]["value"]), str(other["csi"]["n"])]
        assert row[4] == pct(other["satisfied_share"])
        change = DASH if other["csi_change"] is None else f"{round(other['csi_change'], 1):+.1f}"
        assert row[3] == change + (" ●" if other["csi_significant"] else "")


def test_survey_items_table_has_one_row_per_json_item(garage):
    items = garage.report["items"]
    shown = table(garage.page("items.md"), garage.t("items"), garage.t("item"))
    assert len(shown.rows) == len(items)
    for row, item in zip(shown.rows, items):
        cells = dict(zip(shown.header, row))
        assert cells[garage.t("item")] == garage.item_text(item["id"])
        assert cells[garage.t("n")] == str(item["n"])
        assert cells[garage.t("mean")] == one(item["mean"])
        assert cells[garage.t("top_share")] == pct(item["top_share"])
        assert cells[garage.t("bottom_share")] == pct(item["bottom_share"])
        assert cells[garage.t("class")] == garage.label("class", item["class"])
        assert cells[garage.t("change")] == change_marker(garage, item["previous"])


def change_marker(garage: Garage, previous: dict | None) -> str:
    """The top-share change in whole points, in the site's words; arrow and sign follow the figure shown."""
    if not previous or previous["top_share_change"] is None:
        return DASH
    points = round(previous["top_share_change"] * 100)
    shown = garage.t("points", points="0") if points == 0 else \
        f"{'▲' if points > 0 else '▼'} {garage.t('points', points=f'{points:+d}')}"
    significant = previous["p_value"] is not None and previous["p_value"] < 0.05
    return shown + (" ●" if significant else "")


def _candidate_actions(garage: Garage, item_id: str, kind: str) -> dict[str, dict]:
    return {a["id"]: a for a in garage.records("actions")
            if a.get("item") == item_id and a.get("survey", garage.report["survey"]) == garage.report["survey"]
            and a["kind"] == kind and a["status"] != "cancelled"}


@pytest.mark.parametrize("cls, heading, kind", [("strength", "strengths", "maintain"),
                                                ("weakness", "weaknesses", "improve")])
def test_strength_and_weakness_tables_list_the_json_items_with_their_actions(garage, cls, heading, kind):
    # the overall question is classified but is no process to act on: not in these tables
    expected = [item for item in garage.report["items"] if item["class"] == cls and not item["overall"]]
    body = section(garage.page("items.md"), garage.t(heading))
    if not expected:
        assert body.strip() == garage.t("none")
        return
    shown = tables(body)[0]
    assert [row[0] for row in shown.rows] == [garage.item_text(item["id"]) for item in expected]
    for row, item in zip(shown.rows, expected):
        assert row[1:3] == [pct(item["top_share"]), pct(item["bottom_share"])]
        candidates = _candidate_actions(garage, item["id"], kind)
        if not candidates:
            assert row[3:8] == [DASH] * 4 + [garage.t("needs_action")], row
            assert row[8] == _other_actions(garage, item["id"], None)
            continue
        action_id = re.fullmatch(r".* \((A[^)]+)\)", row[7])[1]
        action = candidates[action_id]
        assert row[3:8] == [action["cause"], action["measures"], garage.staff(action["owner"]), action["due"],
                            f"{garage.label('action_status', action['status'])} ({action_id})"]
        assert row[8] == _other_actions(garage, item["id"], action_id)


def _other_actions(garage: Garage, item_id: str, shown: str | None) -> str:
    """Every other action on the item in start order; a done one with its date and the JSON's verdict."""
    verdicts = {a["id"]: a["loop"]["verdict"] for a in garage.report["actions"]["list"] if a["loop"]}
    others = sorted((a for a in garage.records("actions") if a.get("item") == item_id and a["id"] != shown
                     and a.get("survey", garage.report["survey"]) == garage.report["survey"]),
                    key=lambda a: (str(a.get("start") or a["due"]), a["id"]))
    lines = []
    for other in others:
        line = f"{other['id']} {other['title']}: {garage.label('action_status', other['status'])}"
        if other["status"] == "done":
            line += f" {other['done']}"
        if other["id"] in verdicts:
            line += f" ({garage.label('verdict', verdicts[other['id']])})"
        lines.append(line)
    return "<br>".join(lines) or DASH


def test_actions_page_lists_every_action_overdue_first(garage):
    actions = garage.report["actions"]
    page = garage.page("actions.md")
    shown = table(page, garage.t("all_actions"))
    ids = [row[0].split(" ")[0] for row in shown.rows]
    assert sorted(ids) == sorted(a["id"] for a in actions["list"])
    overdue = {a["id"]: a for a in actions["list"] if a["overdue"]}
    assert set(ids[:len(overdue)]) == set(overdue)
    by_id = {a["id"]: a for a in actions["list"]}
    for row, action_id in zip(shown.rows, ids):
        action = by_id[action_id]
        status = "overdue" if action["overdue"] else action["status"]
        assert row[-2] == garage.label("action_status", status)
        assert row[-1] == ("" if action["days_overdue"] is None else str(action["days_overdue"]))
        assert row[6] == action["due"] and row[5] == garage.staff(action["owner"])
    summary = f"{garage.t('open')}: {actions['open']} · {garage.t('overdue')}: {actions['overdue']} · " \
              f"{garage.t('done')}: {actions['done']}"
    assert summary in page
    done = [a for a in actions["list"] if a["status"] == "done" and not a["category"]]
    if done:
        loop = table(page, garage.t("closed_loop"))
        assert sorted(row[0].split(" ")[0] for row in loop.rows) == sorted(a["id"] for a in done)
        for row in loop.rows:
            effect = by_id[row[0].split(" ")[0]]["loop"]
            if effect:
                before, after = effect["before"], effect["after"]
                assert row[3] == f"{before['start']} – {before['end']} ({garage.label('loop_basis', effect['basis'])})"
                assert row[4] == f"{pct(before['top_share'])} · {pct(before['bottom_share'])} ({before['n']})"
                still_open = garage.t("after_open", elapsed=effect["days_elapsed"], days=effect["window_days"])
                assert row[5] == (f"{after['start']} – {after['end']}" if effect["complete"]
                                  else f"{after['start']} – {after['end']} · {still_open}")
                assert row[6] == f"{pct(after['top_share'])} · {pct(after['bottom_share'])} ({after['n']})"
                assert row[9] == garage.label("verdict", effect["verdict"])


def test_staff_page_rows_match_the_json(garage):
    page = garage.page("staff.md")

    def against(value, target):
        # whole percents, one decimal where rounding would hide a miss (89.7% against 90%)
        if value is not None and target is not None and round(value * 100) == round(target * 100) and value != target:
            return f"{value * 100:.1f}%"
        return pct(value)

    for role in ("service_advisor", "technician"):
        rows = [s for s in garage.report["staff"] if s["role"] == role]
        shown = table(page, garage.label("role", role))
        assert len(shown.rows) == len(rows)
        role_target = next((person["target"] for person in rows if person["target"]), None)
        if role_target and role_target.get("csi") is not None:  # each target in its column's heading
            assert shown.header[1] == f"{garage.t('csi')} ({garage.t('target')} {one(role_target['csi'])})"
        for cells, person in zip(shown.rows, rows):
            marker = " *" if person["small_sample"] else ""
            miss = {key: " ✗" if person["meets"][key] is False else "" for key in person["meets"]}
            target = person["target"] or {}
            assert cells == [
                garage.staff(person["id"]) + marker, one(person["csi"]["value"]) + miss["csi"],
                f"{one(person['csi']['ci_low'])}–{one(person['csi']['ci_high'])}",
                against(person["satisfied_share"], target.get("satisfied_share")) + miss["satisfied_share"],
                str(person["responses"]),
                against(person["coverage"], target.get("followup_coverage")) + miss["followup_coverage"],
                str(person["visits"]), str(person["complaints"]), f"{person['comebacks']}/{person['repairs']}"]
    desk = [s for s in garage.report["staff"] if s["role"] == "customer_service"]
    shown = table(page, garage.label("role", "customer_service"))
    assert shown.rows == [[garage.staff(s["id"]), str(s["attempts"]),
                           f"{pct(s['attempt_reach_rate'])} ({s['attempts_reached']}/{s['attempts']})",
                           f"{pct(s['coverage'])} ({s['covered']}/{s['eligible']})"
                           + (" ✗" if s["meets"]["followup_coverage"] is False else "")]
                          for s in desk]


def test_followups_page_figures_and_overdue_worklist(garage):
    followups = garage.report["followups"]
    page = garage.page("followups.md")
    figures = table(page, garage.t("followups")).pairs()
    assert figures[garage.t("eligible")] == str(followups["eligible"])
    assert figures[garage.t("covered")] == str(followups["covered"])
    assert figures[garage.t("coverage")] == pct(followups["coverage"])
    assert figures[garage.t("visit_reach_rate")] == \
        f"{pct(followups['reach_rate'])} ({followups['reached']}/{followups['attempted']})"
    assert figures[garage.t("attempt_reach_rate")] == \
        f"{pct(followups['attempt_reach_rate'])} ({followups['attempts_reached']}/{followups['attempts']})"
    assert figures[garage.t("not_fixed")] == f"{followups['not_fixed']} / {followups['fixed_answered']}"
    if followups["overdue"]:
        worklist = table(page, garage.t("overdue_worklist"))
        assert worklist.column(garage.t("visit")) == [row["visit"] for row in followups["overdue"]]
        assert worklist.column(garage.t("days_overdue")) == [str(row["days_overdue"]) for row in followups["overdue"]]
        assert worklist.column(garage.t("service_advisor")) == [garage.staff(row["service_advisor"])
                                                                 for row in followups["overdue"]]
    else:
        assert section(page, garage.t("overdue_worklist")).strip() == garage.t("none")
    if followups["not_fixed_list"]:
        assert table(page, garage.t("not_fixed")).column(garage.t("followup")) == \
            [row["followup"] for row in followups["not_fixed_list"]]


def response_hours(garage) -> str:
    return garage.settings().get("complaint_response_hours", "24")  # (as typed; the default when unset)


def in_time(garage, block: dict) -> str:
    shown = garage.t("in_time_of", count=block["count"], n=block["n"], share=pct(block["share"]))
    return shown + (f" · {garage.t('not_yet_due', count=block['not_yet_due'])}" if block["not_yet_due"] else "")


def test_complaints_page_counts_overdue_ids_and_pareto(garage):
    report = garage.report
    complaints, as_of = report["complaints"], report["as_of"]
    page = garage.page("complaints.md")
    hours = response_hours(garage)
    days = garage.settings().get("complaint_resolution_days", "7")
    received = garage.t("received_in_period", period=report["period"]["label"])
    figures = table(page, received).pairs()
    unconfirmed = complaints["outcome_unconfirmed"]
    assert figures == {
        garage.t("received_count"): str(complaints["received"]),
        garage.t("open_of_received", day=as_of): str(complaints["open"]),
        garage.t("overdue_of_received", day=as_of): str(complaints["overdue"]),
        garage.t("responded_in_time", hours=hours): in_time(garage, complaints["responded_in_time"]),
        garage.t("resolved_in_time", days=days): in_time(garage, complaints["resolved_in_time"]),
        garage.t("escalated_count"): str(complaints["escalated"]),
        garage.t("compensated_count"): str(complaints["compensated"]),
        garage.t("median_response_hours"): one(complaints["median_hours_to_first_response"]),
        garage.t("median_resolution_days"): one(complaints["median_days_to_resolution"]),
        garage.t("satisfied_outcome"):
            f"{pct(complaints['satisfied_with_outcome'])} ({garage.t('n_is', n=complaints['outcome_answered'])}) · "
            f"{garage.t('outcome_unconfirmed', count=len(unconfirmed))}"
            + (f" ({', '.join(unconfirmed)})" if unconfirmed else ""),
    }
    for key, heading in (("responded_in_time", garage.t("late_responses", hours=hours)),
                         ("resolved_in_time", garage.t("late_resolutions"))):
        late = [row["complaint"] for row in complaints[key]["late_list"]]
        if late:
            assert table(page, heading).column(garage.t("complaint")) == late
        else:
            assert section(page, heading, level=3).strip() == garage.t("none")
    backlog = table(page, garage.t("backlog_on", day=as_of)).pairs()
    assert backlog == {garage.t("backlog_open", day=as_of): str(complaints["backlog_open"]),
                       garage.t("backlog_overdue", day=as_of): str(complaints["backlog_overdue"])}
    overdue_ids = list(dict.fromkeys(row["complaint"] for row in
                                     complaints["overdue_list"] + complaints["backlog_overdue_list"]))
    assert len(overdue_ids) == complaints["backlog_overdue"]
    if overdue_ids:
        assert table(page, garage.t("overdue_complaints", day=as_of)).column(garage.t("complaint")) == overdue_ids
    else:
        assert section(page, garage.t("overdue_complaints", day=as_of), level=3).strip() == garage.t("none")
    still_open = [c["id"] for c in garage.records("complaints") if c["status"] in ("open", "in_progress")]
    assert len(still_open) == complaints["backlog_open"]
    if still_open:
        shown = table(page, garage.t("open_complaints", day=as_of)).column(garage.t("complaint"))
        assert sorted(shown) == sorted(still_open)
    pareto = table(page, garage.t("pareto"), garage.t("category"))
    assert [row[:3] for row in pareto.rows] == [[garage.label("category", row["key"]), str(row["count"]),
                                                 pct(row["share"])] for row in complaints["by_category"]]
    for row, aimed in zip(pareto.rows, complaints["prevention"]):
        expected = [action["id"] for action in aimed["actions"]] or \
            [garage.t("needs_action") if aimed["frequent"] else DASH]
        assert [part.split(" ")[0] for part in row[3].split("<br>")] == expected
    severity = table(page, garage.t("pareto"), garage.t("severity"))
    assert severity.rows == [[garage.label("severity", row["key"]), str(row["count"])]
                             for row in complaints["by_severity"]]


def test_care_page_counts_every_reminder(garage):
    care = garage.report["care"]
    body = section(garage.page("care.md"), garage.t("care_next", days=care["horizon_days"]))
    counts = " · ".join([f"{garage.t('count')}: {care['total']}"] +
                        [f"{garage.label('care', kind)}: {count}" for kind, count in care["counts"].items()])
    assert counts in body
    assert care["total"] == len(care["list"]) == sum(care["counts"].values())
    if care["list"]:
        shown = tables(body)[0]
        assert shown.column(garage.t("date")) == [row["date"] for row in care["list"]]
        assert shown.column(garage.t("reminder")) == [garage.label("care", row["kind"]) for row in care["list"]]


def test_retention_page_active_at_risk_lost(garage):
    retention = garage.report["retention"]
    page = garage.page("retention.md")
    figures = table(page, garage.t("retention")).pairs()
    assert [figures[garage.t(key)] for key in ("active", "at_risk", "lost")] == \
        [str(retention[key]) for key in ("active", "at_risk", "lost")]
    rate = figures[garage.t("retention_rate")]
    interval = ("" if retention["retention_ci_low"] is None else
                f"{pct(retention['retention_ci_low'])}–{pct(retention['retention_ci_high'])}, ")
    assert rate == f"{pct(retention['retention_rate'])} ({interval}{garage.t('n_is', n=retention['retention_base'])})"
    if retention["at_risk_list"]:
        shown = table(page, garage.t("at_risk"))
        assert shown.column(garage.t("days_since")) == [str(row["days_since"]) for row in retention["at_risk_list"]]
    marked_lost = [c for c in garage.records("customers") if c.get("lost")]
    if marked_lost:
        assert len(table(page, garage.t("lost_causes")).rows) == len(marked_lost)


def _month_stats(garage: Garage, month: dict) -> dict:
    """``csi stats`` for a month as of its last day: what its report says (monthly reports are as of
    their month's end, not the build's day)."""
    as_of = min(month["end"], garage.report["as_of"])
    result = csi("stats", "--root", garage.root, "--format", "json", "--as-of", as_of, "--period", month["label"])
    return json.loads(result.stdout)


def test_monthly_report_pages_exist_for_the_months_of_the_series(garage):
    first_visit = min(v["check_in"][:10] for v in garage.records("visits"))
    expected = [p["label"] for p in garage.report["series"]["monthly"]
                if first_visit <= p["end"] <= garage.report["as_of"]]
    assert expected
    index = table(garage.page("monthly/index.md"), garage.t("monthly"))
    assert [row[0] for row in index.rows] == list(reversed(expected))
    for label_ in expected:
        assert (garage.docs / "monthly" / f"{label_}.md").is_file()
        assert (garage.site / "monthly" / f"{label_}.html").is_file()
    by_label = {p["label"]: p for p in garage.report["series"]["monthly"]}
    for row in index.rows:
        month = _month_stats(garage, by_label[row[0]])
        assert row[1:] == [one(month["csi"]["value"]), str(month["csi"]["n"]), pct(month["satisfied_share"]),
                           pct(month["followups"]["coverage"]), str(month["complaints"]["received"])]


def test_latest_monthly_page_equals_csi_stats_for_that_month_as_of_its_end(garage):
    latest = [p for p in garage.report["series"]["monthly"] if p["end"] <= garage.report["as_of"]][-1]
    month = _month_stats(garage, latest)
    page = garage.page(f"monthly/{latest['label']}.md")
    assert f"{garage.t('figures_as_of', day=latest['end'])}<span class=\"csi-print-hint\">" in page
    figures = table(page, f"{garage.t('monthly_report')} {latest['label']}").pairs()
    value = month["csi"]
    assert figures[garage.t("csi")] == f"{one(value['value'])} ({one(value['ci_low'])}–{one(value['ci_high'])}, " \
                                       f"{garage.t('n_is', n=value['n'])})"
    assert figures[garage.t("eligible")] == str(month["followups"]["eligible"])
    assert figures[garage.t("coverage")] == pct(month["followups"]["coverage"])
    assert figures[garage.t("complaints_received")] == str(month["complaints"]["received"])
    day = latest["end"]
    assert figures[garage.t("backlog_open", day=day)] == str(month["complaints"]["backlog_open"])
    assert figures[garage.t("backlog_overdue", day=day)] == str(month["complaints"]["backlog_overdue"])
    # (csi stats as of that day takes the actions' statuses as written, the page as their dates say
    # they stood then: the same count here; where they differ, see tests/test_stats_month_end.py)
    assert figures[garage.t("actions_overdue_on", day=day)] == str(month["actions"]["overdue"])


def test_data_quality_page_counts_warnings_and_integrity_signals(garage):
    result = csi("validate", "--root", garage.root, "--format", "json", "--as-of", AS_OF)
    warnings = [p for p in json.loads(result.stdout)["problems"] if p["severity"] == "warning"]
    page = garage.page("quality.md")
    body = section(page, garage.t("warnings"))
    assert f"{garage.t('count')}: {len(warnings)}" in body
    if warnings:
        shown = tables(body)[0]
        assert shown.column(garage.t("code")) == [f"{garage.label('warning', p['code'])}<br><code>{p['code']}</code>"
                                                  for p in warnings]
        assert shown.column(garage.t("where")) == [f"{p['path']}:{p['line']}" for p in warnings]
    integrity = garage.report["integrity"]
    body = section(page, garage.t("integrity"))
    assert f"{garage.t('count')}: {integrity['total']}" in body
    assert integrity["total"] == len(integrity["signals"])
    if integrity["signals"]:
        assert tables(body)[0].column(garage.t("signal")) == [garage.label("signal", s["kind"])
                                                               for s in integrity["signals"]]


def test_every_generated_page_is_in_the_html_site(garage):
    pages = sorted(p.relative_to(garage.docs).with_suffix(".html") for p in garage.docs.rglob("*.md"))
    assert len(pages) >= 11
    for page in pages:
        assert (garage.site / page).is_file(), page
    overview = (garage.site / "index.html").read_text(encoding="utf-8")
    assert {key: tile["value"] for key, tile in tiles(overview).items()} == \
        {key: tile["value"] for key, tile in tiles(garage.page("index.md")).items()}


# ---------------------------------------------------------------- both languages

PAGE_TITLES = {"index.md": "overview", "items.md": "items", "actions.md": "actions", "staff.md": "staff",
               "followups.md": "followups", "complaints.md": "complaints", "care.md": "care",
               "retention.md": "retention", "monthly/index.md": "monthly", "quality.md": "quality",
               "guide.md": "guide"}
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?%?")


def _figures(garage: Garage, name: str) -> list[list[str]]:
    """Every number in the page's table cells after the first (label) column, table by table."""
    found = []
    for shown in tables(garage.page(name)):
        found.append([NUMBER.findall(cell) for row in shown.rows for cell in row[1:]])
    return found


def test_english_and_chinese_sites_have_their_own_labels(sample, sample_en):
    for garage in (sample, sample_en):
        for name, key in PAGE_TITLES.items():
            heading = garage.page(name).splitlines()[0]
            assert heading.endswith(garage.t(key)), (garage.language, name, heading)
            built = (garage.site / Path(name).with_suffix(".html")).read_text(encoding="utf-8")
            title = garage.settings()["name"] if name == "index.md" else f"{garage.t(key)} - "  # MkDocs' home
            assert f"<title>{html.escape(title, quote=False)}" in built, (garage.language, name)
        assert f'<html lang="{garage.language}"' in (garage.site / "index.html").read_text(encoding="utf-8")
        shown = tiles(garage.page("index.md"))
        assert [tile["title"] for tile in shown.values()] == [tile_title(garage, key) for key in shown]
        assert table(garage.page("items.md"), garage.t("items")).header[0] == garage.t("item")
    assert text("en", "items") != text("zh", "items")


def test_english_and_chinese_sites_show_the_same_numbers(sample, sample_en):
    assert {**sample.report, "language": None} == {**sample_en.report, "language": None}
    for name in [*PAGE_TITLES, *(f"monthly/{p.name}" for p in (sample.docs / "monthly").glob("20*.md"))]:
        if name == "guide.md":
            continue
        assert _figures(sample, name) == _figures(sample_en, name), name
    assert [t["value"] for t in tiles(sample.page("index.md")).values()] == \
        [t["value"] for t in tiles(sample_en.page("index.md")).values()]


# ---------------------------------------------------------------- strict templates


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def test_an_undefined_variable_fails_the_build_and_keeps_the_published_site(sample, tmp_path):
    root = tmp_path / "garage"
    shutil.copytree(sample.root, root, ignore=shutil.ignore_patterns(".csi"))
    published = _tree_digest(root / "site")
    (root / "site_templates").mkdir(exist_ok=True)
    (root / "site_templates" / "care.md.j2").write_text("# Care\n\n{{ no_such_variable }}\n", encoding="utf-8")
    result = csi("build", "--root", root, "--site-dir", root / "site", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "care.md.j2:3" in result.output and "'no_such_variable' is undefined" in result.output
    assert "Traceback" not in result.output
    assert _tree_digest(root / "site") == published


# ---------------------------------------------------------------- privacy


def _site_text(site: Path) -> str:
    """Everything a visitor can download, JSON decoded (the search index escapes non-ASCII)."""
    parts = []
    for path in site.rglob("*"):
        if not path.is_file() or path.suffix in (".png", ".ico", ".woff", ".woff2", ".gz"):
            continue
        content = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".json":
            content = json.dumps(json.loads(content), ensure_ascii=False)
        parts.append(html.unescape(content))
    return "\n".join(parts)


def _customer_identities(garage: Garage) -> tuple[set[str], set[str]]:
    staff_names = {s["name"] for s in garage.settings()["staff"]}
    customers = garage.records("customers")
    # a customer who shares a staff member's name is shown as staff, unmasked by design
    names = {c["name"] for c in customers if c.get("name") and c["name"] not in staff_names}
    phones = {c["phone"] for c in customers if c.get("phone")}
    return names, phones


def test_no_full_customer_name_or_phone_is_published_when_masked(sample):
    names, phones = _customer_identities(sample)
    assert names and phones
    assert (sample.site / "search" / "search_index.json").is_file()
    published = _site_text(sample.site)
    assert sorted(name for name in names if name in published) == []
    assert sorted(phone for phone in phones if phone in published) == []


def test_names_and_phones_are_published_when_masking_is_off(sample_unmasked):
    customers = {c["id"]: c for c in sample_unmasked.records("customers")}
    listed = {row["customer"] for row in sample_unmasked.report["care"]["list"]}
    assert listed
    care = (sample_unmasked.site / "care.html").read_text(encoding="utf-8")
    search = json.dumps(json.loads((sample_unmasked.site / "search" / "search_index.json").read_text()),
                        ensure_ascii=False)
    for customer_id in listed:
        assert customers[customer_id]["name"] in html.unescape(care)
        assert customers[customer_id]["phone"] in html.unescape(care)
        assert customers[customer_id]["name"] in search
