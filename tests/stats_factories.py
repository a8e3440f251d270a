"""Small factories for the statistics tests: typed records built inline, no YAML."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from generator.model import (Band, Customer, Followup, Garage, Questionnaire, Records, Section, Staff,
                             SurveyItem, Text, Thresholds, Vehicle, Visit)


def text(value: str) -> Text:
    return Text(value, value)


def questionnaire(sections: dict[str, list[str]] | None = None, overall: str | None = "overall",
                  item_weights: dict[str, float] | None = None, section_weights: dict[str, float] | None = None,
                  bands: list[Band] | None = None, low: int = 1, high: int = 10, id: str = "service") -> Questionnaire:
    sections = sections if sections is not None else {"main": ["a", "b", "c"]}
    item_weights, section_weights = item_weights or {}, section_weights or {}
    built = [Section(name, text(name), section_weights.get(name, 1.0),
                     [SurveyItem(item, text(item), item_weights.get(item, 1.0), name) for item in items])
             for name, items in sections.items()]
    return Questionnaire(id, "service", text(id), low, high, bands or [], built,
                         SurveyItem(overall, text(overall)) if overall else None)


def garage(min_sample: int = 5, **settings) -> Garage:
    staff = settings.pop("staff", [Staff("SA01", "A", "service_advisor"), Staff("SA02", "B", "service_advisor"),
                                   Staff("T01", "C", "technician"), Staff("CS01", "D", "customer_service")])
    return Garage("Test garage", staff=staff, thresholds=Thresholds(min_sample=min_sample), **settings)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def visit(id: str, day: date, customer: str = "C1", vehicle: str = "P1", type: str = "repair",
          advisor: str = "SA01", technicians: tuple[str, ...] = ("T01",), hours: int = 6, **fields) -> Visit:
    check_in = at(day, 9)
    return Visit(id, customer, vehicle, type, check_in, advisor,
                 handed_over=fields.pop("handed_over", check_in + timedelta(hours=hours)),
                 technicians=list(technicians), **fields)


def followup(id: str, visit_id: str | None, when: datetime, answers: dict[str, int | None] | None = None,
             outcome: str = "reached", by: str = "CS01", **fields) -> Followup:
    return Followup(id, when, fields.pop("channel", "phone"), by, outcome, visit=visit_id,
                    answers=answers or {}, **fields)


def customer(id: str = "C1", plates: tuple[str, ...] = ("P1",), **fields) -> Customer:
    vehicles = fields.pop("vehicles", [Vehicle(plate) for plate in plates])
    return Customer(id, "Name", vehicles=vehicles, **fields)


def records(questionnaires: list[Questionnaire] | None = None, **kinds) -> Records:
    forms = questionnaires if questionnaires is not None else [questionnaire()]
    return Records(kinds.pop("garage", garage()), {form.id: form for form in forms}, **kinds)


def answered(day: date, scores: list[dict[str, int]], prefix: str = "X", by: str = "CS01",
             advisor: str = "SA01", source: str = "internal") -> tuple[list[Visit], list[Followup]]:
    """One handed-over visit on ``day`` and one reached follow-up per answer set."""
    visits, followups = [], []
    for number, answers in enumerate(scores):
        visit_id = f"{prefix}{day:%m%d}-{number}"
        visits.append(visit(visit_id, day, customer=f"C{prefix}{number}", vehicle=f"P{prefix}{number}",
                            advisor=advisor))
        followups.append(followup(f"F{visit_id}", visit_id, at(day + timedelta(days=1)), answers, by=by,
                                  source=source))
    return visits, followups


def but_actions(report: dict) -> dict:
    """The report without what the actions' dates decide (a report built alone as of a day takes
    their written status as that day's), care and retention (null in a month's report)."""
    kept = {key: value for key, value in report.items() if key not in ("actions", "care", "retention")}
    kept["complaints"] = {key: value for key, value in kept["complaints"].items() if key != "prevention"}
    return kept
