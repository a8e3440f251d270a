"""Rendering the report into the site's Markdown pages, one template per page.

Values are inserted once, here; the Markdown written is never run through a
template engine again.  Page count stays small (MkDocs needs ~50 ms a page):
one page per topic, one per month for the monthly reports, sortable tables
instead of a page per record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.background import Background
from generator.model import Records
from generator.problems import Problem
from generator.render import views
from generator.render.env import make_environment, render
from generator.render.escape import xml_text
from generator.render.i18n import text
from generator.render.lookup import Lookup
from generator.render.privacy import PhoneSweep
from generator.render.template_cache import use_template_cache
from generator.stats.periods import parse_period, previous


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs folder
    template: str
    title: str


TOPIC_PAGES = (
    ("index.md", "overview.md.j2", "overview"),
    ("items.md", "items.md.j2", "items"),
    ("actions.md", "actions.md.j2", "actions"),
    ("staff.md", "staff.md.j2", "staff"),
    ("followups.md", "followups.md.j2", "followups"),
    ("complaints.md", "complaints.md.j2", "complaints"),
    ("care.md", "care.md.j2", "care"),
    ("retention.md", "retention.md.j2", "retention"),
    ("monthly/index.md", "monthly_index.md.j2", "monthly"),
    ("quality.md", "quality.md.j2", "quality"),
    ("guide.md", "guide.{language}.md.j2", "guide"),
)


def render_pages(root: Path, docs_dir: Path, records: Records, report: dict, problems: list[Problem],
                 as_of: date, commit: str | None, monthly: list[tuple[str, dict]],
                 template_cache: Path | None = None) -> list[dict]:
    """Write every page under ``docs_dir``; returns the MkDocs ``nav``.

    ``template_cache``: where compiled templates are kept between builds.
    """
    lookup = Lookup.of(records, as_of)
    language = lookup.language
    env = make_environment(root, language, lookup.masker)
    if template_cache is not None:
        use_template_cache(env, template_cache)
    base = _base_context(records, report, problems, as_of, commit, lookup, monthly)
    sweep = phone_sweep(records)
    month_pages = [Page(f"monthly/{label}.md", "monthly.md.j2", label) for label, _ in reversed(monthly)]
    topic_pages = [Page(path, template.format(language=language), text(language, key))
                   for path, template, key in TOPIC_PAGES]
    by_label = dict(monthly)
    here = [(page, {**base, "page": page}) for page in topic_pages if page.path not in BESIDE_PAGES]
    beside = [(page, {**base, "page": page}) for page in topic_pages if page.path in BESIDE_PAGES] + \
        [(page, _month_context(base, page, by_label)) for page in month_pages]
    # The longest page and the monthly ones in a forked child while this process writes
    # the rest: at a large dealer the pages took ~0.2 s of one core, the other one idle.
    writer = Background(_write_pages, env, docs_dir, beside, sweep) if month_pages else None
    _write_pages(env, docs_dir, here if writer is not None else here + beside, sweep)
    if writer is not None:
        writer.result()
    nav: list[dict] = []
    for page in topic_pages:
        if page.path == "monthly/index.md":
            nav.append({page.title: [page.path] + [{month.title: month.path} for month in month_pages]})
        else:
            nav.append({page.title: page.path})
    return nav


def _month_context(base: dict, page: Page, by_label: dict[str, dict]) -> dict:
    """A month's page: its report, and the changes on the previous month's report when the
    build made it (the oldest of the twelve has none)."""
    report = by_label[page.title]
    before = by_label.get(previous(parse_period(page.title)).label)
    return {**base, "page": page, "month_report": report, "month_changes": views.month_changes(report, before)}


# What the topic pages' Markdown holds where their provenance line goes: the line names the
# commit and counts the records, so it changes with every commit and every record added, and
# in the Markdown it made MkDocs convert every page again (``generator.site.memo``: a large
# dealer's complaints page alone took 0.31 s, and 0.15 s to index for search).  The site
# stage puts ``provenance_line`` in its place in each page's HTML.  Record text cannot
# produce this element: it is escaped.
PROVENANCE_SLOT = '<p class="csi-provenance"></p>'


def provenance_line(records: Records, report: dict, as_of: date, commit: str | None) -> str:
    """The topic pages' provenance line, as HTML: as of, commit, records counted, period."""
    language = records.garage.language
    words = text(language, "provenance", as_of=as_of.isoformat(),
                 commit=commit[:10] if commit else text(language, "no_commit"),
                 records=records.counted(), period=report["period"]["label"])
    return f'<p class="csi-provenance">{xml_text(words)}</p>'


# written beside the others (see render_pages): a large dealer's complaints page took 0.08 s,
# the other topic pages 0.1 s together
BESIDE_PAGES = ("complaints.md",)


def _write_pages(env, docs_dir: Path, jobs: list, sweep) -> bool:
    for page, context in jobs:
        _write(docs_dir / page.path, render(env, page.template, context), sweep)
    return True


# Rows a long list shows on its page: a manager reads the top of it, and
# MkDocs' time grows with page size (650 KB complaint pages at a large dealer).
PAGE_ROWS = 300


def _base_context(records: Records, report: dict, problems: list[Problem], as_of: date, commit: str | None,
                  lookup: Lookup, monthly: list[tuple[str, dict]]) -> dict:
    survey = report.get("survey") or _primary_survey(records)
    item_rows = views.item_rows(report, lookup, survey)
    quarter_end = report["period"]["end"]
    csi_target = views._target_for(records, "service_advisor", "csi", views._quarter_of(quarter_end))
    return {
        "report": report, "records": records, "garage": records.garage, "L": lookup, "survey": survey,
        "as_of": as_of, "commit": commit, "problems": problems,
        "warnings": [p for p in problems if not p.is_error],
        "record_count": records.counted(),  # no page of ours uses it since 7cfa611: templates copied before do
        "provenance_slot": PROVENANCE_SLOT,
        "tiles": views.tiles(report, records, lookup),
        "comparison_rows": views.comparison_rows(report, lookup),
        "source_rows": views.source_rows(report, lookup, records.garage.thresholds.min_sample),
        "role_targets": views.role_targets(report),
        "other_surveys": views.other_surveys(report, lookup, survey, records.garage.thresholds.min_sample),
        "trend_charts": views.trend_charts(report, monthly, lookup, csi_target),
        "item_rows": item_rows,
        "sw": views.strength_weakness(item_rows, records, survey, report),
        "ipa_chart": views.quadrant_chart(report, lookup, survey),
        "ipa_legend": views.quadrant_legend(report, lookup, survey),
        "drivers_stated_items": views.drivers_stated_items(report, lookup, survey),
        "actions": views.actions_ordered(report),
        "complaint_list": views.complaint_records(records, as_of),
        "retention_cause_bars": views.cause_bars(report, lookup),
        "lost_customers": views.lost_customers(records, report),
        "monthly": monthly,
        "views": views,
        "page_rows": PAGE_ROWS,
    }


def _primary_survey(records: Records) -> str:
    for questionnaire in records.questionnaires.values():
        if questionnaire.kind == "service":
            return questionnaire.id
    return next(iter(records.questionnaires), "service")


def _write(path: Path, markdown: str, sweep: PhoneSweep | None) -> None:
    """``sweep``: the last line of defence, a customer's full number typed into any text is masked too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sweep(markdown) if sweep is not None else markdown, encoding="utf-8")


def phone_sweep(records: Records) -> PhoneSweep | None:
    if not records.garage.privacy.mask_phones:
        return None
    return PhoneSweep([customer.phone for customer in records.customers if customer.phone])
