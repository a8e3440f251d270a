"""Typed records: what the validator hands to the statistics and the site.

Field names are the YAML keys staff type (see ``generator/validate/schema.py``,
which declares the same fields with their types, enums and docs).  Times are
naive local times in the garage's time zone; dates are ``datetime.date``.
Every record keeps ``where`` = (path, line) so later stages can point back
to what the person typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

Source = tuple[str, int]  # (path relative to the garage root, 1-based line)

ROLES = ("service_advisor", "technician", "customer_service", "manager")
LOST_CAUSES = (
    # the garage's side
    "product_quality", "service_quality", "staff_left", "no_innovation", "let_go",
    # the customer's side
    "competitor", "needs_changed", "bad_faith", "moved", "sold_car",
    "other",
)
CONTACT_CHANNELS = ("phone", "sms", "mail", "face_to_face", "online")
VISIT_TYPES = ("maintenance", "repair", "warranty", "accident", "inspection", "recall", "other")
FOLLOWUP_OUTCOMES = ("reached", "no_answer", "busy", "wrong_number", "refused", "call_back")
FOLLOWUP_SOURCES = ("internal", "external")
COMPLAINT_CHANNELS = ("followup", "phone", "walk_in", "online", "brand_hotline", "letter", "other")
COMPLAINT_CATEGORIES = (
    "noise", "repeat_fault", "repair_quality", "workshop_damage", "denied_fault",
    "brand_dispute", "price", "waiting_time", "attitude", "other",
)
SEVERITIES = ("low", "medium", "high", "critical")
COMPLAINT_STATUSES = ("open", "in_progress", "resolved", "closed")
ACTION_KINDS = ("improve", "maintain")
ACTION_STATUSES = ("planned", "in_progress", "done", "cancelled")
LANGUAGES = ("en", "zh")
SURVEY_KINDS = ("service", "sales")


# --- settings -----------------------------------------------------------------

@dataclass
class Staff:
    id: str
    name: str
    role: str
    active: bool = True
    where: Source = ("", 0)


@dataclass
class Target:
    """Quarterly target for everyone of a role (``quarter`` like ``2026-Q2``)."""
    quarter: str
    role: str
    csi: float | None = None  # 0-100
    satisfied_share: float | None = None  # 0-1
    followup_coverage: float | None = None  # 0-1
    where: Source = ("", 0)


@dataclass
class Thresholds:
    min_sample: int = 30
    strength_top_share: float = 0.80
    weak_top_share: float = 0.50
    weak_bottom_share: float = 0.10
    drop: float = 0.10


@dataclass
class Privacy:
    mask_names: bool = True
    mask_phones: bool = True
    mask_plates: bool = False


@dataclass
class Garage:
    name: str
    language: str = "zh"
    timezone: str = "Asia/Shanghai"
    as_of: date | None = None  # pins "today" so the sample keeps producing a report
    report_period: str = "month"  # month | quarter
    staff: list[Staff] = field(default_factory=list)
    followup_window_days: int = 3
    complaint_response_hours: int = 24
    complaint_resolution_days: int = 7
    comeback_days: int = 30
    care_horizon_days: int = 30
    at_risk_days: int = 180
    lost_days: int = 365
    thresholds: Thresholds = field(default_factory=Thresholds)
    targets: list[Target] = field(default_factory=list)
    privacy: Privacy = field(default_factory=Privacy)
    bands: list[Band] | None = None  # default bands for questionnaires without their own
    where: Source = ("", 0)

    def staff_by_id(self) -> dict[str, Staff]:
        return {member.id: member for member in self.staff}


# --- questionnaires -------------------------------------------------------------

@dataclass
class Text:
    """A text in both site languages."""
    en: str
    zh: str

    def get(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


@dataclass
class Band:
    id: str  # very_satisfied, satisfied, neutral, dissatisfied, very_dissatisfied
    min: int
    max: int
    label: Text | None = None


@dataclass
class SurveyItem:
    id: str
    text: Text
    weight: float = 1.0
    section: str = ""  # filled by the loader; "" for the overall item


@dataclass
class Section:
    id: str
    title: Text
    weight: float = 1.0
    items: list[SurveyItem] = field(default_factory=list)


@dataclass
class Questionnaire:
    id: str
    kind: str  # service | sales
    title: Text
    scale_min: int = 1
    scale_max: int = 10
    bands: list[Band] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    overall: SurveyItem | None = None  # the overall-satisfaction question, outside the sections
    where: Source = ("", 0)

    def items(self) -> list[SurveyItem]:
        """Every item, section items first, then the overall item."""
        found = [entry for section in self.sections for entry in section.items]
        if self.overall is not None:
            found.append(self.overall)
        return found

    def item_ids(self) -> set[str]:
        return {entry.id for entry in self.items()}


# --- records --------------------------------------------------------------------

@dataclass
class Vehicle:
    plate: str
    vin: str | None = None
    model: str | None = None
    purchase_date: date | None = None
    sold_by_us: bool = False  # bought at this dealer: eligible for the sales survey
    insurance_expiry: date | None = None
    licence_expiry: date | None = None
    warranty_expiry: date | None = None
    where: Source = ("", 0)


@dataclass
class Lost:
    date: date
    cause: str
    note: str | None = None


@dataclass
class Customer:
    id: str
    name: str
    phone: str | None = None
    contact_preference: str = "phone"
    do_not_call: bool = False
    birthday: date | None = None
    since: date | None = None
    vehicles: list[Vehicle] = field(default_factory=list)
    lost: Lost | None = None
    note: str | None = None
    where: Source = ("", 0)


@dataclass
class Visit:
    """A repair order (工单)."""
    id: str
    customer: str
    vehicle: str  # plate
    type: str
    check_in: datetime
    service_advisor: str
    promised: datetime | None = None
    handed_over: datetime | None = None  # None while the car is still in the workshop
    technicians: list[str] = field(default_factory=list)
    work: str | None = None
    fault: str | None = None  # what the customer reported
    amount: Decimal | None = None
    mileage: int | None = None
    next_service_due: date | None = None
    comeback_of: str | None = None  # earlier visit for the same fault
    where: Source = ("", 0)


@dataclass
class Followup:
    """One follow-up attempt (回访), reached or not."""
    id: str
    at: datetime
    channel: str
    by: str  # staff id, or the survey firm's name for external follow-ups
    outcome: str
    visit: str | None = None  # service survey
    purchase: str | None = None  # sales survey: plate of the car bought
    source: str = "internal"  # internal | external (survey firm or brand)
    survey: str | None = None
    answers: dict[str, int | None] = field(default_factory=dict)  # None = not applicable
    fixed: bool | None = None  # is the fault really fixed?
    comment: str | None = None
    complaint: str | None = None
    where: Source = ("", 0)
    # (the scored answers, their weighted mean on the questionnaire's scale), as
    # generator.stats.scores.weigh_answers finds them; worked out by the loader for a
    # follow-up whose questionnaire it knows, None otherwise (the statistics then do it)
    weighed: tuple[dict[str, int], float | None] | None = field(default=None, repr=False, compare=False)

    @property
    def scored(self) -> dict[str, int]:
        return {item_id: score for item_id, score in self.answers.items() if score is not None}


@dataclass
class LogEntry:
    at: datetime
    by: str
    action: str
    told_customer: str | None = None


@dataclass
class Escalation:
    at: datetime
    to: str
    reason: str | None = None


@dataclass
class Compensation:
    amount: Decimal | None = None
    kind: str | None = None
    approved_by: str | None = None


@dataclass
class Complaint:
    id: str
    received: datetime
    channel: str
    customer: str
    category: str
    severity: str
    description: str
    owner: str
    status: str
    visit: str | None = None
    promised: date | None = None
    escalation: Escalation | None = None
    log: list[LogEntry] = field(default_factory=list)
    resolved: datetime | None = None
    resolution: str | None = None
    compensation: Compensation | None = None
    customer_satisfied: bool | None = None
    where: Source = ("", 0)

    @property
    def first_response(self) -> datetime | None:
        return min((entry.at for entry in self.log), default=None)


@dataclass
class Action:
    """An improvement or maintenance action (改进措施 / 保持措施)."""
    id: str
    kind: str  # improve | maintain
    title: str
    owner: str
    due: date
    status: str
    survey: str = "service"
    item: str | None = None  # survey item id targeted
    category: str | None = None  # or complaint category targeted
    cause: str | None = None
    measures: str | None = None
    start: date | None = None
    done: date | None = None
    where: Source = ("", 0)


@dataclass
class Records:
    """Everything one garage repository holds, validated."""
    garage: Garage
    questionnaires: dict[str, Questionnaire] = field(default_factory=dict)
    customers: list[Customer] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
