"""The demo generator: YAML emitter, determinism, layouts, realism of the simulation.

The checks read the written files back with PyYAML's BaseLoader and work on
the plain dicts, independently of the generator's own data structures.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import model
from generator.demo import write_demo
from generator.demo.customers import staff_counts
from generator.demo.write import Emitter, FlowMap, Plain
from tests.conftest import regenerate_sample

REPO = Path(__file__).resolve().parent.parent
KINDS = ("customers", "visits", "followups", "complaints", "actions")
DAY = re.compile(r"\d{4}-\d\d-\d\d")
MINUTE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")


def read_tree(root: Path, fast: bool = False) -> dict[str, list[dict]]:
    """Every record under records/<kind>/, parsed as text only.

    ``fast`` uses libyaml's BaseLoader (same results, for the bigger garages)."""
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader) if fast else yaml.BaseLoader
    found: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    for kind in KINDS:
        for path in sorted((root / "records" / kind).rglob("*.yaml")):
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
            found[kind].extend(data if isinstance(data, list) else [data])
    return found


def file_bytes(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def minute(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def day(text: str) -> date:
    return date.fromisoformat(text)


def quarter_of(text: str) -> str:
    return f"{text[:4]}-Q{(int(text[5:7]) - 1) // 3 + 1}"


def shares(values: list[int]) -> tuple[int, float, float]:
    """(n, share of 9-10, share of 1-4)."""
    n = len(values)
    return n, sum(v >= 9 for v in values) / n, sum(v <= 4 for v in values) / n


def answers_by_quarter(followups: list[dict], item: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for followup in followups:
        value = followup.get("answers", {}).get(item)
        if followup.get("survey") == "service" and value not in (None, "na"):
            found.setdefault(quarter_of(followup["at"]), []).append(int(value))
    return found


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small")
    write_demo(out, customers=40, seed=7, layout="record")
    return out


@pytest.fixture(scope="module")
def small_tree(small) -> dict[str, list[dict]]:
    return read_tree(small)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return regenerate_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def sample_tree(sample) -> dict[str, list[dict]]:
    return read_tree(sample)


# --- the emitter ----------------------------------------------------------------

def test_emitter_writes_readme_style_and_reads_back_as_the_same_text():
    record = {
        "id": "CP2026-001", "phone": Plain("0755123456"), "note": "no", "count": 3,
        "received": datetime(2026, 6, 3, 9, 5), "promised": date(2026, 6, 6), "do_not_call": False,
        "description": "异响: 还在 #2", "tricky": "- leading dash", "empty": "", "date_like": "2026-06-01",
        "technicians": ["T01", "a, b", "[x]"], "compensation": FlowMap(amount=Plain("200.00"), kind="工时费减免"),
        "escalation": {"at": datetime(2026, 6, 3, 15, 0), "to": "SM01"},
        "log": [{"at": datetime(2026, 6, 3, 11, 0), "by": "SA01", "action": "致电"}], "skipped": None,
    }
    text = Emitter().document(record)
    assert text.splitlines()[:6] == [
        "id: CP2026-001", "phone: 0755123456", 'note: "no"', "count: 3",
        "received: 2026-06-03 09:05", "promised: 2026-06-06",
    ]
    assert "compensation: {amount: 200.00, kind: 工时费减免}" in text
    assert "  - at: 2026-06-03 11:00\n    by: SA01\n" in text
    assert yaml.load(text, Loader=yaml.BaseLoader) == {
        "id": "CP2026-001", "phone": "0755123456", "note": "no", "count": "3",
        "received": "2026-06-03 09:05", "promised": "2026-06-06", "do_not_call": "false",
        "description": "异响: 还在 #2", "tricky": "- leading dash", "empty": "", "date_like": "2026-06-01",
        "technicians": ["T01", "a, b", "[x]"], "compensation": {"amount": "200.00", "kind": "工时费减免"},
        "escalation": {"at": "2026-06-03 15:00", "to": "SM01"},
        "log": [{"at": "2026-06-03 11:00", "by": "SA01", "action": "致电"}],
    }


# YAML's indicators and what looks like numbers and booleans, to hit the quoting rules often.
TRICKY = st.text(alphabet=st.sampled_from(list(" -?:,[]{}#&*!|>'\"%@`~\\\t\n0.eExyesnoYNtrufal\u2028\x85")), max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.text() | TRICKY, st.lists(st.text(max_size=8) | TRICKY, min_size=1, max_size=3))
def test_any_text_round_trips_in_block_and_flow_position(text, items):
    emitter = Emitter()
    records = [{"a": text, "b": items, "c": FlowMap(x=text)}, {"a": "plain"}]
    for document in (emitter.document(records[0]), emitter.sequence(records)):
        data = yaml.load(document, Loader=yaml.BaseLoader)
        first = data[0] if isinstance(data, list) else data
        assert first == {"a": text, "b": items, "c": {"x": text}}


# --- determinism and layouts ---------------------------------------------------

def test_same_seed_same_bytes_and_another_seed_differs(tmp_path, small):
    write_demo(tmp_path / "again", customers=40, seed=7, layout="record")
    write_demo(tmp_path / "other", customers=40, seed=8, layout="record")
    first = file_bytes(small)
    assert file_bytes(tmp_path / "again") == first
    other = file_bytes(tmp_path / "other")
    assert {k: v for k, v in other.items() if k.startswith("records/v")} != \
        {k: v for k, v in first.items() if k.startswith("records/v")}


def test_layouts_hold_the_same_records(tmp_path, small, small_tree):
    summary = write_demo(tmp_path / "month", customers=40, seed=7, layout="month")
    month_tree = read_tree(tmp_path / "month")
    for kind in KINDS:
        as_text = sorted(json.dumps(record, ensure_ascii=False, sort_keys=True) for record in small_tree[kind])
        assert as_text == sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in month_tree[kind])
    assert (summary.customers, summary.visits) == (len(small_tree["customers"]), len(small_tree["visits"]))
    assert (tmp_path / "month" / "records" / "visits" / "2026-06.yaml").is_file()
    assert any((small / "records" / "visits" / "2026" / "06").glob("RO202606*-001.yaml"))
    assert (tmp_path / "month" / "surveys" / "service.yaml").read_bytes() == \
        (REPO / "generator" / "defaults" / "surveys" / "service.yaml").read_bytes()


def test_defaults_are_copies_of_the_canonical_questionnaires():
    for name in ("service.yaml", "sales.yaml"):
        assert (REPO / "generator" / "defaults" / "surveys" / name).read_bytes() == (REPO / "surveys" / name).read_bytes()


def test_every_value_is_text_in_its_declared_shape(small_tree):
    for customer in small_tree["customers"]:
        assert re.fullmatch(r"1[3-9]\d{9}|0\d{2,3}\d{7,8}", customer["phone"]), customer["phone"]
        assert customer["do_not_call"] in ("true", "false")
        for vehicle in customer["vehicles"]:
            assert re.fullmatch(r"[\u4e00-\u9fff][A-Z]([A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]\d{4})", vehicle["plate"])
            assert re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", vehicle["vin"])
    for visit in small_tree["visits"]:
        assert MINUTE.fullmatch(visit["check_in"]) and re.fullmatch(r"\d+\.\d\d", visit["amount"])
        assert isinstance(visit["technicians"], list) and visit["mileage"].isdigit()
    for followup in small_tree["followups"]:
        assert all(v == "na" or v.isdigit() and 1 <= int(v) <= 10 for v in followup.get("answers", {}).values())


# --- references and time order ---------------------------------------------------

def check_integrity(tree: dict[str, list[dict]], garage: dict, surveys: dict[str, set[str]]) -> None:
    staff = {member["id"]: member["role"] for member in garage["staff"]}
    for kind in KINDS:
        ids = [record["id"] for record in tree[kind]]
        assert len(ids) == len(set(ids)), kind
    customers = {c["id"]: c for c in tree["customers"]}
    plates = {v["plate"]: c["id"] for c in tree["customers"] for v in c["vehicles"]}
    sold = {v["plate"]: day(v["purchase_date"]) for c in tree["customers"] for v in c["vehicles"] if v["sold_by_us"] == "true"}
    visits = {v["id"]: v for v in tree["visits"]}
    as_of = datetime.combine(day(garage["as_of"]), datetime.min.time())
    for visit in tree["visits"]:
        customer = customers[visit["customer"]]
        assert plates[visit["vehicle"]] == customer["id"]
        assert staff[visit["service_advisor"]] == "service_advisor"
        assert all(staff[t] == "technician" for t in visit["technicians"])
        check_in = minute(visit["check_in"])
        assert day(customer["since"]) <= check_in.date() and check_in < as_of
        if "lost" in customer:
            assert check_in.date() < day(customer["lost"]["date"])
        if "handed_over" in visit:
            assert check_in < minute(visit["handed_over"]) < as_of
        if "comeback_of" in visit:
            earlier = visits[visit["comeback_of"]]
            assert earlier["vehicle"] == visit["vehicle"]
            assert minute(earlier["handed_over"]) < check_in <= minute(earlier["handed_over"]) + timedelta(days=30)
    complaints = {c["id"]: c for c in tree["complaints"]}
    for followup in tree["followups"]:
        at = minute(followup["at"])
        assert at < as_of and followup["outcome"] in model.FOLLOWUP_OUTCOMES
        if followup["source"] == "internal":
            assert staff[followup["by"]] in ("customer_service", "service_advisor")
        else:
            assert followup["by"] not in staff
        if "visit" in followup:
            visit = visits[followup["visit"]]
            assert at > minute(visit["handed_over"])
            customer = customers[visit["customer"]]
        else:
            assert sold[followup["purchase"]] <= at.date()
            customer = customers[plates[followup["purchase"]]]
        if customer["do_not_call"] == "true":
            assert followup["channel"] != "phone"
        assert set(followup.get("answers", {})) <= surveys[followup["survey"]]
        assert ("answers" in followup) == (followup["outcome"] == "reached")
        if "complaint" in followup:
            assert complaints[followup["complaint"]]["channel"] == "followup"
    for complaint in tree["complaints"]:
        received = minute(complaint["received"])
        assert complaint["customer"] in customers and visits[complaint["visit"]]["customer"] == complaint["customer"]
        assert complaint["category"] in model.COMPLAINT_CATEGORIES and complaint["owner"] in staff
        assert received < as_of and all(received < minute(e["at"]) < as_of for e in complaint.get("log", []))
        if "escalation" in complaint:
            assert received < minute(complaint["escalation"]["at"]) and staff[complaint["escalation"]["to"]] == "manager"
        assert ("resolved" in complaint) == (complaint["status"] in ("resolved", "closed"))
        if "resolved" in complaint:
            assert received < minute(complaint["resolved"]) < as_of
    for action in tree["actions"]:
        assert action["owner"] in staff and action["status"] in model.ACTION_STATUSES
        assert action.get("item") in surveys["service"] or action.get("category") in model.COMPLAINT_CATEGORIES
        assert ("done" in action) == (action["status"] == "done")


def garage_and_surveys(root: Path) -> tuple[dict, dict[str, set[str]]]:
    garage = yaml.load((root / "garage.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    surveys = {}
    for name in ("service", "sales"):
        data = yaml.load((root / "surveys" / f"{name}.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        surveys[name] = {i["id"] for s in data["sections"] for i in s["items"]} | {data["overall"]["id"]}
    return garage, surveys


def test_references_and_time_order_hold_in_the_demo(small, small_tree):
    check_integrity(small_tree, *garage_and_surveys(small))


def test_references_and_time_order_hold_in_the_sample(sample, sample_tree):
    check_integrity(sample_tree, *garage_and_surveys(sample))


# --- what the simulation must show ---------------------------------------------

def test_sample_waiting_care_is_weak_and_technician_attitude_strong(sample_tree):
    waiting = answers_by_quarter(sample_tree["followups"], "waiting_care")
    n, top, bottom = shares(waiting["2026-Q3"])
    _, top_before, _ = shares(waiting["2026-Q2"])
    assert n >= 20 and top <= 0.5 and bottom >= 0.10 and top_before - top >= 0.10
    attitude = answers_by_quarter(sample_tree["followups"], "technician_attitude")
    n, top, bottom = shares(attitude["2026-Q3"])
    assert n >= 20 and top >= 0.85 and bottom == 0


def test_demo_weak_item_drops_and_strong_item_never_bottom(tmp_path):
    write_demo(tmp_path, customers=400, seed=3, layout="month")
    followups = read_tree(tmp_path, fast=True)["followups"]
    waiting = answers_by_quarter(followups, "waiting_care")
    earlier = [v for quarter, values in waiting.items() if "2025-Q3" <= quarter <= "2026-Q1" for v in values]
    assert shares(earlier)[1] - shares(waiting["2026-Q3"])[1] >= 0.2
    attitude = answers_by_quarter(followups, "technician_attitude")
    recent = [v for quarter, values in attitude.items() if quarter >= "2025-Q4" for v in values]
    assert shares(recent)[2] == 0 and shares(recent)[1] >= 0.85


def test_sample_complaints_actions_and_followup_gaps(sample, sample_tree):
    as_of = date(2026, 10, 8)
    statuses = Counter(c["status"] for c in sample_tree["complaints"])
    assert set(statuses) == set(model.COMPLAINT_STATUSES)
    assert any(c["status"] == "open" and day(c["promised"]) < as_of for c in sample_tree["complaints"])
    actions = sample_tree["actions"]
    assert any(a.get("item") == "waiting_care" and a["status"] == "done" and quarter_of(a["start"]) == "2026-Q2"
               for a in actions)
    assert any(a["status"] in ("planned", "in_progress") and day(a["due"]) < as_of for a in actions)
    assert any(a["kind"] == "maintain" and a.get("item") == "technician_attitude" for a in actions)
    attempted = {f["visit"] for f in sample_tree["followups"] if "visit" in f}
    handed = [(v["id"], minute(v["handed_over"])) for v in sample_tree["visits"] if "handed_over" in v]
    cutoff = datetime(2026, 10, 8)
    overdue = [i for i, at in handed if at + timedelta(days=3) < cutoff and i not in attempted]
    recent = [i for i, at in handed if at + timedelta(days=3) >= cutoff]
    assert len(overdue) >= 2 and len(recent) + len(sample_tree["visits"]) - len(handed) >= 2
    assert 250 <= len(sample_tree["visits"]) <= 350 and len(sample_tree["customers"]) == 80


def test_staff_quality_shows_in_scores_and_comebacks(tmp_path):
    write_demo(tmp_path, customers=400, seed=5, layout="month")
    tree = read_tree(tmp_path, fast=True)
    visits = {v["id"]: v for v in tree["visits"]}
    overall: dict[str, list[int]] = {}
    for followup in tree["followups"]:
        if followup.get("survey") == "service" and followup.get("answers", {}).get("overall", "na") != "na":
            advisor = visits[followup["visit"]]["service_advisor"]
            overall.setdefault(advisor, []).append(int(followup["answers"]["overall"]))
    mean = {advisor: sum(v) / len(v) for advisor, v in overall.items()}
    assert mean["SA02"] - mean["SA03"] >= 0.5  # the good and the weak advisor of a 3-advisor garage
    comebacks = Counter(t for v in tree["visits"] if "comeback_of" in v for t in visits[v["comeback_of"]]["technicians"])
    jobs = Counter(t for v in tree["visits"] for t in v["technicians"])
    rate = {t: comebacks[t] / jobs[t] for t in jobs}
    weakest = max(rate, key=rate.get)
    assert weakest == "T04"


def test_counts_scale_with_customers(tmp_path, small_tree):
    bigger = write_demo(tmp_path, customers=120, seed=7, layout="month")
    assert 2.0 <= bigger.visits / len(small_tree["visits"]) <= 4.5
    assert 3.5 <= bigger.visits / bigger.customers <= 7.0
    assert staff_counts(40) == {"service_advisor": 3, "technician": 4, "customer_service": 2, "manager": 1}
    assert staff_counts(20000) == {"service_advisor": 8, "technician": 12, "customer_service": 3, "manager": 2}
    complaints_per_100 = 100 * bigger.complaints / bigger.visits
    assert 1.5 <= complaints_per_100 <= 5


def test_the_validator_finds_no_errors(small, sample):
    from generator.validate import load_records

    for root in (small, sample):
        loaded = load_records(root)
        assert [problem.format() for problem in loaded.errors] == []
        codes = {problem.code for problem in loaded.problems}
        assert codes <= {"followup-overdue", "complaint-overdue"}
    assert {p.code for p in load_records(sample).problems} == {"followup-overdue", "complaint-overdue"}


def test_settings_follow_the_arguments(tmp_path):
    write_demo(tmp_path, customers=20, seed=2, layout="month", as_of=date(2025, 3, 15), language="en")
    garage = yaml.load((tmp_path / "garage.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert (garage["language"], garage["as_of"]) == ("en", "2025-03-15")
    assert {target["quarter"] for target in garage["targets"]} == {"2024-Q4"}
    assert [member["id"] for member in garage["staff"]] == [
        "SA01", "SA02", "SA03", "T01", "T02", "T03", "T04", "CS01", "CS02", "SM01"]
    visits = read_tree(tmp_path)["visits"]
    check_ins = sorted(visit["check_in"] for visit in visits)
    assert "2020-03-15" <= check_ins[0] and check_ins[-1] < "2025-03-15"


def test_sample_keeps_existing_settings(tmp_path):
    (tmp_path / "garage.yaml").write_text("name: Mine\nas_of: 2026-10-08\nstaff:\n"
                                          "  - {id: SA01, name: 王强, role: service_advisor}\n"
                                          "  - {id: T01, name: 刘洋, role: technician}\n"
                                          "  - {id: CS01, name: 吴敏, role: customer_service}\n"
                                          "  - {id: SM01, name: 黄刚, role: manager}\n", encoding="utf-8")
    write_demo(tmp_path, customers=10, seed=1, layout="month", profile="sample")
    assert (tmp_path / "garage.yaml").read_text(encoding="utf-8").startswith("name: Mine\n")
    tree = read_tree(tmp_path)
    assert {v["service_advisor"] for v in tree["visits"]} == {"SA01"}
    assert (tmp_path / "surveys" / "sales.yaml").is_file()


def test_people_act_in_working_hours(small_tree, sample_tree):
    for tree in (small_tree, sample_tree):
        times = [e["at"] for c in tree["complaints"] for e in c.get("log", [])]
        times += [f["at"] for f in tree["followups"]] + [v["check_in"] for v in tree["visits"]]
        assert all("08:00" <= moment[11:] <= "21:00" for moment in times)
