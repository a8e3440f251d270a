"""Typed records: what the validator hands to the statistics and the site.

Field names are the YAML keys staff type (see ``generator/validate/schema.py``,
which declares the same fields with their types, enums and docs).  Times are
naive local times in the garage's time zone; dates are ``datetime.date``.
Every record keeps ``where`` = (path, line) so later stages can point back
to what the person typed.

Records read from records/ (customers and their vehicles, visits, follow-ups,
complaints, actions) are immutable ``Record`` tuples declared like
dataclasses; settings and questionnaires are dataclasses.  Change a record
with ``record._replace(field=value)``.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, dataclass, field
from datetime import date, datetime
from decimal import Decimal

try:  # the C descriptor namedtuple's fields use: twice as fast to read as property(itemgetter)
    from _collections import _tuplegetter
except ImportError:  # another Python implementation
    from operator import itemgetter

    def _tuplegetter(position: int, doc: str | None):
        return property(itemgetter(position), doc=doc)

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
# The years a date in the records, the settings or an option may fall in: wider than any
# garage's history, and narrow enough that the statistics' date arithmetic (a horizon, a
# period, a year back) cannot leave Python's years 1-9999.  Outside, it is a typo.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
# A demo garage's today: its birthdays go up to 68 years and first purchases up to 19
# years before it, expiries up to 6 years after, and all must stay in the years above.
DEMO_YEARS = (EARLIEST_YEAR + 70, LATEST_YEAR - 10)
SURVEY_KINDS = ("service", "sales")


# --- the records' base -----------------------------------------------------------

class _RecordType(type):
    """Makes each record class a tuple of its fields, declared and built like a dataclass.

    Why: a large dealer's rebuild unpickles a quarter of a million cached records.
    A dataclass instance is unpickled as an object plus a dict of its fields; a
    tuple is rebuilt in C by ``tuple.__new__`` without calling this metaclass
    (pickle's NEWOBJ calls ``cls.__new__``): the month layout's 88 MB of cached
    results unpickled in 0.94 s instead of 1.42-1.49 s.
    """

    def __new__(mcls, name: str, bases: tuple, namespace: dict):
        names = [key for key in namespace.get("__annotations__", {}) if not key.startswith("_")]
        defaults, factories, hidden = {}, {}, set()
        for key in names:
            declared = namespace.pop(key, MISSING)
            if isinstance(declared, Field):
                if declared.default_factory is not MISSING:
                    factories[key] = declared.default_factory
                elif declared.default is not MISSING:
                    defaults[key] = declared.default
                if not declared.compare:
                    hidden.add(key)
            elif declared is not MISSING:
                defaults[key] = declared
        namespace["__slots__"] = ()
        cls = super().__new__(mcls, name, bases, namespace)
        cls._fields = tuple(names)
        cls._defaults, cls._factories = defaults, factories
        # the fields equality and repr look at (dataclass's compare=False, repr=False)
        cls._compared = tuple(position for position, key in enumerate(names) if key not in hidden)
        for position, key in enumerate(names):
            setattr(cls, key, _tuplegetter(position, None))
        return cls

    def __call__(cls, *args, **kwargs):
        """``Visit(id=..., customer=..., ...)``: positional or keyword, defaults filled in."""
        fields = cls._fields
        if len(args) > len(fields):
            raise TypeError(f"{cls.__name__}() takes {len(fields)} fields, {len(args)} given")
        values = list(args)
        for key in fields[len(args):]:
            if key in kwargs:
                values.append(kwargs.pop(key))
            elif key in cls._defaults:
                values.append(cls._defaults[key])
            elif key in cls._factories:
                values.append(cls._factories[key]())
            else:
                raise TypeError(f"{cls.__name__}() missing the field {key!r}")
        if kwargs:
            raise TypeError(f"{cls.__name__}() has no field {next(iter(kwargs))!r}"
                            if next(iter(kwargs)) not in fields else
                            f"{cls.__name__}() got {next(iter(kwargs))!r} twice")
        return tuple.__new__(cls, values)


class Record(tuple, metaclass=_RecordType):
    """A record read from records/: immutable, its fields read as attributes."""

    __hash__ = None  # as a dataclass with equality: records hold lists and dicts

    def _replace(self, **changes) -> Record:
        return type(self)(**{key: changes.pop(key, value) for key, value in zip(self._fields, self)}, **changes)

    def _compare(self) -> tuple:
        return tuple(self[position] for position in self._compared)

    def __eq__(self, other):
        if type(other) is not type(self):
            # not equal to a plain tuple of the same values (tuple's own == would say so)
            return False if isinstance(other, tuple) else NotImplemented
        return self._compare() == other._compare()

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __repr__(self) -> str:
        shown = ", ".join(f"{self._fields[position]}={self[position]!r}" for position in self._compared)
        return f"{type(self).__name__}({shown})"

    def __getnewargs__(self) -> tuple:
        return (tuple(self),)


def field_names(cls: type) -> tuple[str, ...]:
    """The fields of a record class or a dataclass, in order."""
    if isinstance(cls, _RecordType):
        return cls._fields
    return tuple(cls.__dataclass_fields__)


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

class Vehicle(Record):
    plate: str
    vin: str | None = None
    model: str | None = None
    purchase_date: date | None = None
    sold_by_us: bool = False  # bought at this dealer: eligible for the sales survey
    insurance_expiry: date | None = None
    licence_expiry: date | None = None
    warranty_expiry: date | None = None
    where: Source = ("", 0)


class Lost(Record):
    date: date
    cause: str
    note: str | None = None


class Customer(Record):
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


class Visit(Record):
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


class Followup(Record):
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


class LogEntry(Record):
    at: datetime
    by: str
    action: str
    told_customer: str | None = None


class Escalation(Record):
    at: datetime
    to: str
    reason: str | None = None


class Compensation(Record):
    amount: Decimal | None = None
    kind: str | None = None
    approved_by: str | None = None


class Complaint(Record):
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


class Action(Record):
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
    found_in: str | None = None  # report period in which the weakness was found: 2026-06, 2026-Q2
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

    def counted(self) -> int:
        """How many records there are, of every kind (what the pages say was counted)."""
        return len(self.customers) + len(self.visits) + len(self.followups) + len(self.complaints) + len(self.actions)
