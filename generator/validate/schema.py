"""The data contract: every record kind's fields, declared once.

The validator converts YAML by these declarations, ``csi schema`` turns them
into JSON Schemas for editors, ``csi new`` writes templates from them and the
user guide lists them.  A field's ``name`` is the YAML key; ``attr`` the model
attribute when it differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field

from generator import model

# Field types: how the text someone typed becomes a value.
TEXT = "text"  # free text, may span lines; " #" cutting it short is warned about
LINE = "line"  # a short single-line text: a name, a model
PLATE = "plate"  # a licence plate: held and compared in its canonical form (generator.plates)
ID = "id"  # a record id
DATE = "date"
DATETIME = "datetime"
INT = "int"
NUMBER = "number"  # a weight or a share
MONEY = "money"  # a Decimal amount
BOOL = "bool"
ENUM = "enum"
REF = "ref"  # the id of another record (checked across files)
LIST = "list"
OBJECT = "object"
ANSWERS = "answers"  # survey item id -> score or na
I18N = "i18n"  # {en: ..., zh: ...}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str = ""  # kind of record a REF points at: customer, visit, complaint, staff
    of: Field | Kind | None = None  # element of a LIST, shape of an OBJECT
    minimum: float | None = None
    maximum: float | None = None
    attr: str = ""  # model attribute when it differs from the YAML key
    example: str = ""  # shown by `csi new`

    @property
    def attribute(self) -> str:
        return self.attr or self.name


@dataclass(frozen=True)
class Kind:
    name: str  # customer, visit, ...
    doc: str
    fields: tuple[Field, ...]
    model: type | None = None
    folder: str = ""  # records/<folder>/ for record kinds
    id_prefix: str = ""  # `csi new` numbering
    one_of: tuple[tuple[str, ...], ...] = ()  # exactly one of these keys must be present
    keys: tuple[str, ...] = dataclass_field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(entry.name for entry in self.fields))

    def field(self, name: str) -> Field | None:
        for entry in self.fields:
            if entry.name == name:
                return entry
        return None


def _enum(name: str, choices: tuple[str, ...], doc: str, required: bool = False, **extra) -> Field:
    return Field(name, ENUM, doc, required=required, choices=choices, **extra)


# --- records ----------------------------------------------------------------------

VEHICLE = Kind("vehicle", "A vehicle of the customer.", (
    Field("plate", PLATE, "Licence plate, e.g. 粤B12345 (capitals, no spaces or dots); visits refer to the vehicle by it.",
          required=True, example="粤B12345"),
    Field("vin", LINE, "Vehicle identification number (17 characters).", example="LSVAU2180N2123456"),
    Field("model", LINE, "Make and model.", example="大众 帕萨特 2022"),
    Field("purchase_date", DATE, "Date the customer bought the car.", example="2022-04-18"),
    Field("sold_by_us", BOOL, "Bought at this dealer: eligible for the sales survey.", example="false"),
    Field("insurance_expiry", DATE, "Insurance policy end.", example="2026-04-17"),
    Field("licence_expiry", DATE, "Driving-licence (行驶证/驾驶证) expiry.", example="2028-04-18"),
    Field("warranty_expiry", DATE, "Manufacturer warranty end.", example="2025-04-17"),
), model=model.Vehicle)

LOST = Kind("lost", "Set when the customer is lost: when and why.", (
    Field("date", DATE, "Date the customer was recognised as lost.", required=True),
    _enum("cause", model.LOST_CAUSES, "Why the customer left.", required=True),
    Field("note", TEXT, "What is known; win-back attempts."),
), model=model.Lost)

CUSTOMER = Kind("customer", "A customer and their vehicles.", (
    Field("id", ID, "Unique customer id.", required=True, example="C0001"),
    Field("name", LINE, "Full name (masked on the site unless privacy.mask_names is false).", required=True, example="张伟"),
    Field("phone", LINE, "Phone number exactly as dialled (masked on the site).", example="13812345678"),
    _enum("contact_preference", model.CONTACT_CHANNELS, "How the customer prefers to be contacted.", example="phone"),
    Field("do_not_call", BOOL, "The customer asked not to be phoned.", example="false"),
    Field("birthday", DATE, "For birthday care reminders.", example="1985-03-12"),
    Field("since", DATE, "Customer since.", example="2021-05-03"),
    Field("note", TEXT, "Anything worth knowing."),
    Field("vehicles", LIST, "The customer's vehicles.", of=VEHICLE),
    Field("lost", OBJECT, "Only when the customer is lost.", of=LOST),
), model=model.Customer, folder="customers", id_prefix="C")

VISIT = Kind("visit", "A service visit (repair order, 工单).", (
    Field("id", ID, "Repair-order number.", required=True, example="RO20260601-001"),
    Field("customer", REF, "Customer id.", required=True, ref="customer", example="C0001"),
    Field("vehicle", PLATE, "Plate of one of the customer's vehicles.", required=True, example="粤B12345"),
    _enum("type", model.VISIT_TYPES, "Kind of work.", required=True, example="maintenance"),
    Field("check_in", DATETIME, "When the car was received.", required=True, example="2026-06-01 09:30"),
    Field("promised", DATETIME, "Hand-over time promised to the customer.", example="2026-06-01 17:00"),
    Field("handed_over", DATETIME, "When the car was handed back; leave out while in the workshop.", example="2026-06-01 16:40"),
    Field("service_advisor", REF, "Staff id of the service advisor.", required=True, ref="staff", example="SA01"),
    Field("technicians", LIST, "Staff ids of the technicians.", of=Field("technician", REF, "Technician id.", ref="staff"), example="[T01]"),
    Field("fault", TEXT, "What the customer reported."),
    Field("work", TEXT, "Work done."),
    Field("amount", MONEY, "Amount charged.", minimum=0, example="680.00"),
    Field("mileage", INT, "Odometer at check-in, km.", minimum=0, maximum=3_000_000, example="23500"),
    Field("next_service_due", DATE, "Next maintenance due.", example="2026-12-01"),
    Field("comeback_of", REF, "Earlier visit, when the customer came back for the same fault.", ref="visit"),
), model=model.Visit, folder="visits", id_prefix="RO")

FOLLOWUP = Kind("followup", "One follow-up attempt (回访), reached or not.", (
    Field("id", ID, "Unique follow-up id.", required=True, example="F20260603-001"),
    Field("visit", REF, "The visit followed up (service survey).", ref="visit", example="RO20260601-001"),
    Field("purchase", PLATE, "Plate of the car bought (sales survey), instead of visit."),
    Field("at", DATETIME, "When the attempt was made.", required=True, example="2026-06-03 10:15"),
    _enum("channel", model.CONTACT_CHANNELS, "How.", required=True, example="phone"),
    Field("by", LINE, "Staff id of the caller; for external surveys the firm's name.", required=True, example="CS01"),
    _enum("outcome", model.FOLLOWUP_OUTCOMES, "What happened.", required=True, example="reached"),
    _enum("source", model.FOLLOWUP_SOURCES, "internal (our own call) or external (survey firm, brand).", example="internal"),
    Field("survey", REF, "Questionnaire id.", ref="survey", example="service"),
    Field("answers", ANSWERS, "Item id: score (on the questionnaire's scale) or na."),
    Field("fixed", BOOL, "Is the fault really fixed?", example="yes"),
    Field("comment", TEXT, "What the customer said."),
    Field("complaint", REF, "Complaint raised by this call.", ref="complaint"),
), model=model.Followup, folder="followups", id_prefix="F", one_of=(("visit", "purchase"),))

ESCALATION = Kind("escalation", "Escalation beyond the owner's authority.", (
    Field("at", DATETIME, "When.", required=True),
    Field("to", LINE, "Staff id, department or the brand.", required=True),
    Field("reason", TEXT, "Why."),
), model=model.Escalation)

LOG_ENTRY = Kind("log entry", "One dated step of complaint handling.", (
    Field("at", DATETIME, "When.", required=True),
    Field("by", REF, "Staff id.", required=True, ref="staff"),
    Field("action", TEXT, "What was done.", required=True),
    Field("told_customer", TEXT, "What the customer was told."),
), model=model.LogEntry)

COMPENSATION = Kind("compensation", "Compensation granted (needs approval).", (
    Field("amount", MONEY, "Amount.", minimum=0),
    Field("kind", LINE, "Kind: refund, free labour, gift ..."),
    Field("approved_by", REF, "Staff id of the approver.", ref="staff"),
), model=model.Compensation)

COMPLAINT = Kind("complaint", "A complaint (投诉) and its handling.", (
    Field("id", ID, "Unique complaint id.", required=True, example="CP2026-001"),
    Field("received", DATETIME, "When it was received.", required=True, example="2026-06-03 10:20"),
    _enum("channel", model.COMPLAINT_CHANNELS, "How it arrived.", required=True, example="phone"),
    Field("customer", REF, "Customer id.", required=True, ref="customer", example="C0001"),
    Field("visit", REF, "The visit it is about.", ref="visit"),
    _enum("category", model.COMPLAINT_CATEGORIES, "What it is about.", required=True, example="noise"),
    _enum("severity", model.SEVERITIES, "How serious.", required=True, example="medium"),
    Field("description", TEXT, "What the customer said.", required=True, example="换完刹车片后仍有异响"),
    Field("owner", REF, "Staff id responsible for handling it.", required=True, ref="staff", example="SA01"),
    _enum("status", model.COMPLAINT_STATUSES, "Where it stands.", required=True, example="open"),
    Field("promised", DATE, "Date promised to the customer.", example="2026-06-06"),
    Field("escalation", OBJECT, "Escalation, if any.", of=ESCALATION),
    Field("log", LIST, "Dated log of what was done and told to the customer.", of=LOG_ENTRY),
    Field("resolved", DATETIME, "When it was resolved."),
    Field("resolution", TEXT, "How it was resolved."),
    Field("compensation", OBJECT, "Compensation, if any.", of=COMPENSATION),
    Field("customer_satisfied", BOOL, "Was the customer satisfied with the outcome?"),
), model=model.Complaint, folder="complaints", id_prefix="CP")

ACTION = Kind("action", "An improvement (改进) or maintenance (保持) action.", (
    Field("id", ID, "Unique action id.", required=True, example="A2026-01"),
    _enum("kind", model.ACTION_KINDS, "improve a weakness or maintain a strength.", required=True, example="improve"),
    Field("survey", REF, "Questionnaire of the targeted item.", ref="survey", example="service"),
    Field("item", LINE, "Survey item targeted.", example="waiting_care"),
    _enum("category", model.COMPLAINT_CATEGORIES, "Or: the complaint category targeted."),
    Field("title", LINE, "Short title.", required=True, example="改善等候区服务"),
    Field("cause", TEXT, "Cause analysis (原因分析)."),
    Field("measures", TEXT, "Measures (改进措施 / 保持措施)."),
    Field("owner", REF, "Staff id of the person responsible (责任人).", required=True, ref="staff", example="SM01"),
    Field("start", DATE, "When the action started.", example="2026-07-01"),
    Field("due", DATE, "Completion date (完成时间).", required=True, example="2026-08-15"),
    _enum("status", model.ACTION_STATUSES, "Where it stands.", required=True, example="planned"),
    Field("done", DATE, "Date it was done."),
), model=model.Action, folder="actions", id_prefix="A", one_of=(("item", "category"),))

RECORD_KINDS: dict[str, Kind] = {kind.folder: kind for kind in (CUSTOMER, VISIT, FOLLOWUP, COMPLAINT, ACTION)}

# --- settings and questionnaires -------------------------------------------------

TEXT_BOTH = Kind("text", "A text in English and Chinese.", (
    Field("en", LINE, "English.", required=True),
    Field("zh", LINE, "Simplified Chinese.", required=True),
), model=model.Text)

BAND = Kind("band", "A score band.", (
    _enum("id", ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied"), "Band.", required=True),
    Field("min", INT, "Lowest score in the band.", required=True),
    Field("max", INT, "Highest score in the band.", required=True),
    Field("label", I18N, "Label, if not the default."),
), model=model.Band)

STAFF = Kind("staff", "A member of staff.", (
    Field("id", ID, "Staff id used in records.", required=True),
    Field("name", LINE, "Name.", required=True),
    _enum("role", model.ROLES, "Role.", required=True),
    Field("active", BOOL, "Still working here."),
), model=model.Staff)

TARGET = Kind("target", "A quarterly target for a role.", (
    Field("quarter", LINE, "Quarter, e.g. 2026-Q3.", required=True),
    _enum("role", model.ROLES, "Role the target applies to.", required=True),
    Field("csi", NUMBER, "CSI target, 0-100.", minimum=0, maximum=100),
    Field("satisfied_share", NUMBER, "Satisfied + very satisfied share, 0-1.", minimum=0, maximum=1),
    Field("followup_coverage", NUMBER, "Follow-up coverage within the window, 0-1.", minimum=0, maximum=1),
), model=model.Target)

THRESHOLDS = Kind("thresholds", "Strength and weakness rules.", (
    Field("min_sample", INT, "Fewer answers: too few to classify or rank.", minimum=1),
    Field("strength_top_share", NUMBER, "Strength: 9-10 share at least this.", minimum=0, maximum=1),
    Field("weak_top_share", NUMBER, "Weakness: 9-10 share at most this ...", minimum=0, maximum=1),
    Field("weak_bottom_share", NUMBER, "... and 1-4 share at least this.", minimum=0, maximum=1),
    Field("drop", NUMBER, "Or a significant fall of the 9-10 share by at least this.", minimum=0, maximum=1),
), model=model.Thresholds)

PRIVACY = Kind("privacy", "What the published site masks.", (
    Field("mask_names", BOOL, "张伟 -> 张*."),
    Field("mask_phones", BOOL, "13812345678 -> 138****5678."),
    Field("mask_plates", BOOL, "粤B12345 -> 粤B1***5."),
), model=model.Privacy)

GARAGE = Kind("garage", "Garage settings (garage.yaml).", (
    Field("name", LINE, "Garage name shown on the site.", required=True),
    _enum("language", model.LANGUAGES, "Site language."),
    Field("timezone", LINE, "IANA time zone, e.g. Asia/Shanghai."),
    Field("as_of", DATE, "Pin 'today' for reproducible reports."),
    _enum("report_period", ("month", "quarter"), "Default report period."),
    Field("staff", LIST, "Staff.", of=STAFF),
    Field("followup_window_days", INT, "Follow up within this many days of hand-over.", minimum=1, maximum=90),
    Field("complaint_response_hours", INT, "First response to a complaint within.", minimum=1,
          maximum=24 * 90),
    Field("complaint_resolution_days", INT, "Resolution within, unless a date was promised.", minimum=1,
          maximum=365),
    Field("comeback_days", INT, "A repair back within this many days is a comeback.", minimum=1,
          maximum=365),
    Field("care_horizon_days", INT, "Care reminders look this far ahead.", minimum=1, maximum=366),
    Field("at_risk_days", INT, "No visit for longer: at risk.", minimum=1, maximum=3650),
    Field("lost_days", INT, "No visit for longer: presumed lost.", minimum=1, maximum=3650),
    Field("thresholds", OBJECT, "Strength and weakness rules.", of=THRESHOLDS),
    Field("targets", LIST, "Quarterly targets per role.", of=TARGET),
    Field("privacy", OBJECT, "Masking on the site.", of=PRIVACY),
    Field("bands", LIST, "Default score bands for questionnaires without their own.", of=BAND),
), model=model.Garage)

SURVEY_ITEM = Kind("survey item", "A question.", (
    Field("id", ID, "Item id used under answers:.", required=True),
    Field("text", I18N, "The question.", required=True),
    Field("weight", NUMBER, "Weight within its section (default 1).", minimum=0),
), model=model.SurveyItem)

SECTION = Kind("section", "A section of questions.", (
    Field("id", ID, "Section id.", required=True),
    Field("title", I18N, "Title.", required=True),
    Field("weight", NUMBER, "Weight of the section in the response score (default 1).", minimum=0),
    Field("items", LIST, "Questions.", required=True, of=SURVEY_ITEM),
), model=model.Section)

SCALE = Kind("scale", "Score scale.", (
    # (bounded: the statistics go through every value of the scale, and no survey asks for more)
    Field("min", INT, "Lowest score.", required=True, minimum=0, maximum=100),
    Field("max", INT, "Highest score.", required=True, minimum=1, maximum=100),
))

QUESTIONNAIRE = Kind("questionnaire", "A questionnaire (surveys/*.yaml).", (
    Field("id", ID, "Questionnaire id used by follow-ups.", required=True),
    _enum("kind", model.SURVEY_KINDS, "service or sales.", required=True),
    Field("title", I18N, "Title.", required=True),
    Field("scale", OBJECT, "Score scale (default 1-10).", of=SCALE),
    Field("bands", LIST, "Score bands.", of=BAND),
    Field("sections", LIST, "Sections of weighted items.", required=True, of=SECTION),
    Field("overall", OBJECT, "The overall-satisfaction question.", of=SURVEY_ITEM),
), model=None)

ALL_KINDS: tuple[Kind, ...] = (GARAGE, QUESTIONNAIRE, CUSTOMER, VISIT, FOLLOWUP, COMPLAINT, ACTION)
