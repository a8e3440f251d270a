"""Deterministic demo garages: ``csi demo`` and the sample under ``records/``.

``write_demo`` writes a complete garage repository (settings, questionnaires,
records) simulated from a seed: same arguments, same bytes.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from generator.demo.actions import make_actions
from generator.demo.customers import grade_staff, invent_staff, make_customers
from generator.demo.plan import make_profile
from generator.demo.simulate import Garage
from generator.demo.write import KINDS, LAYOUTS, RepositoryWriter, month_of
from generator.model import DEMO_YEARS
from generator.problems import Problem, error
from generator.validate import settings_problems

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
SAMPLE_SEED = 31  # chosen so the sample shows every case tests/test_demo.py asks of it
SAMPLE_CUSTOMERS = 80
DEMO_NAME = "示例汽车服务有限公司"

__all__ = ["DemoSummary", "write_demo", "sample_settings_problems", "SAMPLE_SEED", "SAMPLE_CUSTOMERS"]


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    visits: int
    followups: int
    complaints: int
    actions: int
    bytes: int  # bytes of everything written, settings and questionnaires included


class DemoRefused(Exception):
    """The folder holds what a demo would replace: nothing was written."""


def write_demo(out: Path, customers: int, seed: int, layout: str = "record",
               start: date | None = None, end: date | None = None,
               as_of: date | None = None, language: str = "zh", profile: str = "demo") -> DemoSummary:
    """Write a simulated garage into ``out``; its ``records/<kind>/`` folders are replaced.

    ``profile="sample"`` is the small garage committed under ``records/``: it
    keeps an existing ``garage.yaml`` and ``surveys/`` in ``out`` (and takes
    staff and as-of date from them); ``"demo"`` writes those files too.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    if profile not in ("demo", "sample"):
        raise ValueError(f"profile must be demo or sample, not {profile!r}")
    out = Path(out)
    refusal = demo_refusal(out, profile)
    if refusal is not None:
        raise DemoRefused(refusal)
    rng = random.Random(seed)
    writer = RepositoryWriter(out, layout)
    # first: a demo stopped half way is still marked as the demo's to write again
    writer.put_text("records/README.md", records_readme(profile, customers, seed, layout))
    settings = (existing_settings(out) or existing_settings(DEFAULTS)) if profile == "sample" else None
    if settings is not None and as_of is None:
        as_of = settings["as_of"]
    plan = make_profile(profile, start, end, as_of, rng)
    listed = settings["staff"] if settings else invent_staff(rng, customers)
    staff = grade_staff(rng, listed)
    garage_text = render_garage((DEFAULTS / "garage.yaml").read_text(encoding="utf-8"),
                                DEMO_NAME, language, plan.as_of, listed, plan.report_start)
    write_settings(writer, out, garage_text, keep=profile == "sample")
    for kind in KINDS:
        shutil.rmtree(out / "records" / kind, ignore_errors=True)
    write_records(writer, out, rng, plan, staff, customers)
    counts = writer.counts
    return DemoSummary(counts["customers"], counts["visits"], counts["followups"], counts["complaints"],
                       counts["actions"], writer.bytes_written)


def write_records(writer: RepositoryWriter, out: Path, rng: random.Random, plan, staff, customers: int) -> None:
    """Customers first, then the simulation month by month, then the actions."""
    config = yaml.load((out / "garage.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    advisors = sum(1 for member in staff if member.role == "service_advisor")
    people = make_customers(rng, customers, plan, advisors)
    by_month: dict[str, list[dict]] = {}
    for customer in people:
        by_month.setdefault(month_of(customer.since), []).append(customer.record)
    for month in sorted(by_month):
        writer.write("customers", month, by_month[month])
    garage = Garage(
        rng=rng, profile=plan, staff=staff, customers=people,
        service_items=survey_items(out / "surveys" / "service.yaml"),
        sales_items=survey_items(out / "surveys" / "sales.yaml"),
        window_days=int(config.get("followup_window_days", 3)),
        comeback_days=int(config.get("comeback_days", 30)), writer=writer,
    )
    garage.run()
    managers = [m.id for m in staff if m.role == "manager"]
    found = make_actions(plan, managers, [m.id for m in staff if m.role == "service_advisor"])
    for month in sorted({month_of(entry["start"]) for entry in found}):
        writer.write("actions", month, [entry for entry in found if month_of(entry["start"]) == month])


def sample_settings_problems(out: Path, as_of: date | None) -> list[Problem]:
    """Why the sample cannot keep the garage.yaml and questionnaires already in ``out``:
    their errors, and an as_of outside the years a demo simulates (unless ``as_of`` is given)."""
    if not ((out / "garage.yaml").is_file() or (out / "surveys").is_dir()):
        return []
    garage, problems = settings_problems(out)
    errors = [problem for problem in problems if problem.is_error]
    first, last = DEMO_YEARS
    if not errors and as_of is None and garage is not None and garage.as_of is not None \
            and not first <= garage.as_of.year <= last:
        text = (out / "garage.yaml").read_text(encoding="utf-8")
        line = next((number for number, typed in enumerate(text.splitlines(), 1) if typed.startswith("as_of:")), 1)
        errors.append(error("garage.yaml", line, 1, "bad-setting",
                            f"as_of {garage.as_of} is not in the years a demo simulates ({first}-{last})",
                            "pass --as-of with a date in those years"))
    return errors


def existing_settings(out: Path) -> dict | None:
    """Staff and as-of date of a garage.yaml already in ``out`` (the sample keeps it)."""
    path = out / "garage.yaml"
    if not path.is_file():
        return None
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    staff = [(entry["id"], entry["name"], entry["role"]) for entry in data.get("staff", [])]
    as_of = date.fromisoformat(data["as_of"]) if data.get("as_of") else None
    return {"staff": staff, "as_of": as_of}


def write_settings(writer: RepositoryWriter, out: Path, garage_text: str, keep: bool) -> None:
    files = {"garage.yaml": garage_text}
    for name in ("service.yaml", "sales.yaml"):
        files[f"surveys/{name}"] = (DEFAULTS / "surveys" / name).read_text(encoding="utf-8")
    for relative, text in files.items():
        if not (keep and (out / relative).exists()):
            writer.put_text(relative, text)


def render_garage(template: str, name: str, language: str, as_of: date,
                  staff: list[tuple[str, str, str]], report_start: date) -> str:
    """The default garage.yaml with this garage's name, language, date, staff and target quarter."""
    quarter = f"{report_start.year}-Q{(report_start.month - 1) // 3 + 1}"
    text = re.sub(r"(?m)^name: .*$", f"name: {name}", template)
    text = re.sub(r"(?m)^(language: )\S+", lambda m: m.group(1) + language, text)
    text = re.sub(r"(?m)^(as_of: )\S+", lambda m: m.group(1) + as_of.isoformat(), text)
    text = re.sub(r"quarter: \d{4}-Q\d", f"quarter: {quarter}", text)
    lines = "".join(f"  - {{id: {sid}, name: {sname}, role: {role}}}\n" for sid, sname, role in staff)
    return re.sub(r"(?ms)^staff:\n(?:  - .*?\n)+", lambda m: "staff:\n" + lines, text)


def survey_items(path: Path) -> tuple[str, ...]:
    """Item ids of a questionnaire, section items first, then the overall item."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    ids = [item["id"] for section in data.get("sections", []) for item in section.get("items", [])]
    if isinstance(data.get("overall"), dict):
        ids.append(data["overall"]["id"])
    return tuple(ids)


# How a records/README.md csi demo wrote begins: its records are the demo's to replace.
DEMO_MARK = "# Records\n\nThese records are simulated, not real customers"


def demo_refusal(out: Path, profile: str = "demo") -> str | None:
    """Why csi demo must not write into ``out``, or None.

    A demo replaces records/ and, but for the sample profile, garage.yaml and surveys/:
    csi demo --out . in a garage once replaced its settings and every record.  Only a
    folder without records (or whose records a demo wrote) is written into.
    """
    from generator.load.source import is_yaml_name

    readme = out / "records" / "README.md"
    try:
        if readme.is_file() and readme.read_text(encoding="utf-8", errors="replace").startswith(DEMO_MARK) \
                and _named_as_the_demo(out):
            return None
    except OSError:
        pass
    records = out / "records"
    if records.is_dir() and any(is_yaml_name(path.name) for path in records.rglob("*") if path.is_file()):
        return (f"{out} holds records csi demo did not write: it would replace them; "
                "give a new folder for the demo")
    if profile == "demo" and ((out / "garage.yaml").exists() or (out / "surveys").is_dir()):
        return (f"{out} holds a garage's garage.yaml or surveys/: csi demo would replace them; "
                "give a new folder for the demo")
    return None


def _named_as_the_demo(out: Path) -> bool:
    """Its garage.yaml, if any, still bears the demo garage's name: the README a demo wrote
    outlives its records, and a garage renamed and filled with its own records is the
    garage's, not the demo's."""
    settings = out / "garage.yaml"
    if not settings.exists():
        return True
    try:
        found = yaml.load(settings.read_text(encoding="utf-8", errors="replace"), Loader=yaml.BaseLoader)
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(found, dict) and found.get("name") == DEMO_NAME


def records_readme(profile: str, customers: int, seed: int, layout: str) -> str:
    command = ("csi demo --profile sample --out ." if profile == "sample"
               else f"csi demo --customers {customers} --seed {seed} --layout {layout}")
    return (
        f"{DEMO_MARK}: they were written by\n\n"
        f"```sh\n{command}\n```\n\n"
        "(or `python -m generator.demo`, which does the same), a deterministic\n"
        "simulation of a dealer's workshop: visits, follow-up calls with survey answers,\n"
        "complaints and improvement actions. Running it again gives the same files.\n\n"
        "They are ordinary records: edit them by hand like any others. Each folder holds\n"
        + ("one file per month (a YAML list of records).\n" if layout == "month"
           else "one file per record.\n")
    )
