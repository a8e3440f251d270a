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
    zh: str = ""  # the doc in Chinese, for a Chinese garage's staff (every record field has one)
    labels: str = ""  # an ENUM's group in generator.render.i18n.LABELS: its choices in words

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
    zh: str = ""  # the doc in Chinese
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
# ``zh``: each field's meaning in the words a Chinese garage's staff use (`csi new` writes it as
# the comment in a zh garage); ``labels``: the group of generator/render/i18n.py's labels that
# names an ENUM's choices in words.

VEHICLE = Kind("vehicle", "A vehicle of the customer.", (
    Field("plate", PLATE, "Licence plate, e.g. 粤B12345 (capitals, no spaces or dots); visits refer to the vehicle by it.",
          zh="车牌号；工单按车牌指代这辆车", required=True, example="粤B12345"),
    Field("vin", LINE, "Vehicle identification number (17 characters).", zh="车架号（VIN，17 位）",
          example="LSVAU2180N2123456"),
    Field("model", LINE, "Make and model.", zh="品牌及车型", example="大众 帕萨特 2022"),
    Field("purchase_date", DATE, "Date the customer bought the car.", zh="购车日期", example="2022-04-18"),
    Field("sold_by_us", BOOL, "Bought at this dealer: eligible for the sales survey.",
          zh="是否在本店购车：是则纳入销售满意度调查", example="false"),
    Field("insurance_expiry", DATE, "Insurance policy end.", zh="保险到期日", example="2026-04-17"),
    Field("licence_expiry", DATE, "Driving-licence (行驶证/驾驶证) expiry.", zh="行驶证/驾驶证到期日",
          example="2028-04-18"),
    Field("warranty_expiry", DATE, "Manufacturer warranty end.", zh="厂家质保到期日", example="2025-04-17"),
), model=model.Vehicle, zh="客户的车辆")

LOST = Kind("lost", "Set when the customer is lost: when and why.", (
    Field("date", DATE, "Date the customer was recognised as lost.", zh="确认客户流失的日期", required=True),
    _enum("cause", model.LOST_CAUSES, "Why the customer left.", zh="流失原因", labels="lost_cause", required=True),
    Field("note", TEXT, "What is known; win-back attempts.", zh="已知情况；为赢回客户所做的努力"),
), model=model.Lost, zh="客户流失时填写：流失日期及原因")

CUSTOMER = Kind("customer", "A customer and their vehicles.", (
    Field("id", ID, "Unique customer id.", zh="客户编号，不可重复", required=True, example="C0001"),
    Field("name", LINE, "Full name (masked on the site unless privacy.mask_names is false).",
          zh="客户姓名（网站上打码显示，除非 privacy.mask_names 设为 false）", required=True, example="张伟"),
    Field("phone", LINE, "Phone number exactly as dialled (masked on the site).",
          zh="电话号码，按实际拨打的号码填写（网站上打码显示）", example="13812345678"),
    _enum("contact_preference", model.CONTACT_CHANNELS, "How the customer prefers to be contacted.",
          zh="客户希望的联系方式", labels="channel", example="phone"),
    Field("do_not_call", BOOL, "The customer asked not to be phoned.", zh="客户要求不要打电话", example="false"),
    Field("birthday", DATE, "For birthday care reminders.", zh="客户生日，用于生日关怀提醒", example="1985-03-12"),
    Field("since", DATE, "Customer since.", zh="成为本店客户的日期", example="2021-05-03"),
    Field("note", TEXT, "Anything worth knowing.", zh="备注：其他值得了解的情况"),
    Field("vehicles", LIST, "The customer's vehicles.", zh="客户的车辆", of=VEHICLE),
    Field("lost", OBJECT, "Only when the customer is lost.", zh="仅在客户流失时填写", of=LOST),
), model=model.Customer, folder="customers", id_prefix="C", zh="客户及其车辆")

VISIT = Kind("visit", "A service visit (repair order, 工单).", (
    Field("id", ID, "Repair-order number.", zh="工单号", required=True, example="RO20260601-001"),
    Field("customer", REF, "Customer id.", zh="客户编号", required=True, ref="customer", example="C0001"),
    Field("vehicle", PLATE, "Plate of one of the customer's vehicles.", zh="该客户名下车辆的车牌号",
          required=True, example="粤B12345"),
    _enum("type", model.VISIT_TYPES, "Kind of work.", zh="业务类型", labels="visit_type", required=True,
          example="maintenance"),
    Field("check_in", DATETIME, "When the car was received.", zh="接车时间", required=True, example="2026-06-01 09:30"),
    Field("promised", DATETIME, "Hand-over time promised to the customer.", zh="向客户承诺的交车时间",
          example="2026-06-01 17:00"),
    Field("handed_over", DATETIME, "When the car was handed back; leave out while in the workshop.",
          zh="交车时间；车辆仍在车间时不填", example="2026-06-01 16:40"),
    Field("service_advisor", REF, "Staff id of the service advisor.", zh="服务顾问的员工编号", required=True,
          ref="staff", example="SA01"),
    Field("technicians", LIST, "Staff ids of the technicians.", zh="维修技师的员工编号",
          of=Field("technician", REF, "Technician id.", zh="维修技师的员工编号", ref="staff"), example="[T01]"),
    Field("fault", TEXT, "What the customer reported.", zh="客户描述的故障"),
    Field("work", TEXT, "Work done.", zh="维修作业内容"),
    Field("amount", MONEY, "Amount charged.", zh="结算金额", minimum=0, example="680.00"),
    Field("mileage", INT, "Odometer at check-in, km.", zh="接车时的里程表读数（公里）", minimum=0, maximum=3_000_000,
          example="23500"),
    Field("next_service_due", DATE, "Next maintenance due.", zh="下次保养日期", example="2026-12-01"),
    Field("comeback_of", REF, "Earlier visit, when the customer came back for the same fault.",
          zh="返修时填写：同一故障上一次的工单号", ref="visit"),
), model=model.Visit, folder="visits", id_prefix="RO", zh="一次维修服务（工单）")

FOLLOWUP = Kind("followup", "One follow-up attempt (回访), reached or not.", (
    Field("id", ID, "Unique follow-up id.", zh="回访编号，不可重复", required=True, example="F20260603-001"),
    Field("visit", REF, "The visit followed up (service survey).", zh="所回访的工单号（售后服务调查）", ref="visit",
          example="RO20260601-001"),
    Field("purchase", PLATE, "Plate of the car bought (sales survey), instead of visit.",
          zh="所购车辆的车牌号（销售调查），与 visit 二选一"),
    Field("at", DATETIME, "When the attempt was made.", zh="回访时间", required=True, example="2026-06-03 10:15"),
    _enum("channel", model.CONTACT_CHANNELS, "How.", zh="回访方式", labels="channel", required=True, example="phone"),
    Field("by", LINE, "Staff id of the caller; for external surveys the firm's name.",
          zh="回访人的员工编号；外部调查填调查公司名称", required=True, example="CS01"),
    _enum("outcome", model.FOLLOWUP_OUTCOMES, "What happened.", zh="回访结果", labels="outcome", required=True,
          example="reached"),
    _enum("source", model.FOLLOWUP_SOURCES, "internal (our own call) or external (survey firm, brand).",
          zh="回访来源（外部指调查公司或厂家的回访）", labels="source", example="internal"),
    Field("survey", REF, "Questionnaire id.", zh="问卷编号", ref="survey", example="service"),
    Field("answers", ANSWERS, "Item id: score (on the questionnaire's scale) or na.",
          zh="项目编号: 得分（按问卷的分值范围），不适用填 na"),
    Field("fixed", BOOL, "Is the fault really fixed?", zh="故障是否真正排除？", example="yes"),
    Field("comment", TEXT, "What the customer said.", zh="客户意见"),
    Field("complaint", REF, "Complaint raised by this call.", zh="本次回访引出的投诉编号", ref="complaint"),
), model=model.Followup, folder="followups", id_prefix="F", one_of=(("visit", "purchase"),),
    zh="一次回访（接通或未接通）")

ESCALATION = Kind("escalation", "Escalation beyond the owner's authority.", (
    Field("at", DATETIME, "When.", zh="升级时间", required=True),
    Field("to", LINE, "Staff id, department or the brand.", zh="升级给谁：员工编号、部门或厂家", required=True),
    Field("reason", TEXT, "Why.", zh="升级原因"),
), model=model.Escalation, zh="超出责任人权限时的升级")

LOG_ENTRY = Kind("log entry", "One dated step of complaint handling.", (
    Field("at", DATETIME, "When.", zh="时间", required=True),
    Field("by", REF, "Staff id.", zh="处理人的员工编号", required=True, ref="staff"),
    Field("action", TEXT, "What was done.", zh="所做的处理", required=True),
    Field("told_customer", TEXT, "What the customer was told.", zh="告知客户的内容"),
), model=model.LogEntry, zh="投诉处理的一步（注明时间）")

COMPENSATION = Kind("compensation", "Compensation granted (needs approval).", (
    Field("amount", MONEY, "Amount.", zh="补偿金额", minimum=0),
    Field("kind", LINE, "Kind: refund, free labour, gift ...", zh="补偿方式：退款、免工时费、赠品等"),
    Field("approved_by", REF, "Staff id of the approver.", zh="批准人的员工编号", ref="staff"),
), model=model.Compensation, zh="给予客户的补偿（须经批准）")

COMPLAINT = Kind("complaint", "A complaint (投诉) and its handling.", (
    Field("id", ID, "Unique complaint id.", zh="投诉编号，不可重复", required=True, example="CP2026-001"),
    Field("received", DATETIME, "When it was received.", zh="收到投诉的时间", required=True,
          example="2026-06-03 10:20"),
    _enum("channel", model.COMPLAINT_CHANNELS, "How it arrived.", zh="投诉渠道", labels="channel", required=True,
          example="phone"),
    Field("customer", REF, "Customer id.", zh="客户编号", required=True, ref="customer", example="C0001"),
    Field("visit", REF, "The visit it is about.", zh="所投诉的工单号", ref="visit"),
    _enum("category", model.COMPLAINT_CATEGORIES, "What it is about.", zh="投诉类别", labels="category",
          required=True, example="noise"),
    _enum("severity", model.SEVERITIES, "How serious.", zh="严重程度", labels="severity", required=True,
          example="medium"),
    Field("description", TEXT, "What the customer said.", zh="投诉内容：客户反映的问题", required=True,
          example="换完刹车片后仍有异响"),
    Field("owner", REF, "Staff id responsible for handling it.", zh="责任人：负责处理投诉的员工编号", required=True,
          ref="staff", example="SA01"),
    _enum("status", model.COMPLAINT_STATUSES, "Where it stands.", zh="处理状态", labels="complaint_status",
          required=True, example="open"),
    Field("promised", DATE, "Date promised to the customer.", zh="向客户承诺的处理日期", example="2026-06-06"),
    Field("escalation", OBJECT, "Escalation, if any.", zh="升级情况（如有）", of=ESCALATION),
    Field("log", LIST, "Dated log of what was done and told to the customer.",
          zh="处理记录：按时间记下所做的处理和告知客户的内容", of=LOG_ENTRY),
    Field("resolved", DATETIME, "When it was resolved.", zh="解决时间"),
    Field("resolution", TEXT, "How it was resolved.", zh="处理结果"),
    Field("compensation", OBJECT, "Compensation, if any.", zh="补偿（如有）", of=COMPENSATION),
    Field("customer_satisfied", BOOL, "Was the customer satisfied with the outcome?", zh="客户对处理结果是否满意？"),
), model=model.Complaint, folder="complaints", id_prefix="CP", zh="一次投诉及其处理")

ACTION = Kind("action", "An improvement (改进) or maintenance (保持) action.", (
    Field("id", ID, "Unique action id.", zh="措施编号，不可重复", required=True, example="A2026-01"),
    _enum("kind", model.ACTION_KINDS, "improve a weakness or maintain a strength.",
          zh="改进劣势项目还是保持优势项目", labels="action_kind", required=True, example="improve"),
    Field("survey", REF, "Questionnaire of the targeted item.", zh="所针对项目的问卷编号", ref="survey",
          example="service"),
    Field("item", LINE, "Survey item targeted.", zh="所针对的调查项目（与 category 二选一）", example="waiting_care"),
    _enum("category", model.COMPLAINT_CATEGORIES, "Or: the complaint category targeted.",
          zh="所针对的投诉类别（与 item 二选一）", labels="category"),
    Field("title", LINE, "Short title.", zh="简短标题", required=True, example="改善等候区服务"),
    Field("cause", TEXT, "Cause analysis (原因分析).", zh="原因分析"),
    Field("measures", TEXT, "Measures (改进措施 / 保持措施).", zh="改进措施 / 保持措施"),
    Field("owner", REF, "Staff id of the person responsible (责任人).", zh="责任人的员工编号", required=True,
          ref="staff", example="SM01"),
    Field("start", DATE, "When the action started.", zh="开始日期", example="2026-07-01"),
    Field("due", DATE, "Completion date (完成时间).", zh="完成时间：计划完成的日期", required=True,
          example="2026-08-15"),
    _enum("status", model.ACTION_STATUSES, "Where it stands.", zh="执行状态", labels="action_status", required=True,
          example="planned"),
    Field("done", DATE, "Date it was done.", zh="实际完成日期"),
    # (last: a new column at the end of an export leaves the spreadsheets made from the old ones working)
    Field("found_in", LINE, "Report period in which the weakness was found (2026-06, 2026-Q2): the "
          "'before' of the closed loop.", zh="发现问题的统计期（如 2026-06、2026-Q2）：效果对比中的“实施前”",
          example="2026-06"),
), model=model.Action, folder="actions", id_prefix="A", one_of=(("item", "category"),),
    zh="改进措施或保持措施")

RECORD_KINDS: dict[str, Kind] = {kind.folder: kind for kind in (CUSTOMER, VISIT, FOLLOWUP, COMPLAINT, ACTION)}

# --- settings and questionnaires -------------------------------------------------

TEXT_BOTH = Kind("text", "A text in English and Chinese.", zh="英文与中文两种写法", fields=(
    Field("en", LINE, "English.", zh="英文", required=True),
    Field("zh", LINE, "Simplified Chinese.", zh="简体中文", required=True),
), model=model.Text)

BAND = Kind("band", "A score band.", zh="分数段", fields=(
    _enum("id", ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied"), "Band.", zh="分数段", labels="band", required=True),
    Field("min", INT, "Lowest score in the band.", zh="本段最低分", required=True),
    Field("max", INT, "Highest score in the band.", zh="本段最高分", required=True),
    Field("label", I18N, "Label, if not the default.", zh="名称（不填则用默认名称）"),
), model=model.Band)

STAFF = Kind("staff", "A member of staff.", zh="一名员工", fields=(
    Field("id", ID, "Staff id used in records.", zh="员工编号，记录中用它指代此人", required=True),
    Field("name", LINE, "Name.", zh="姓名", required=True),
    _enum("role", model.ROLES, "Role.", zh="岗位", labels="role", required=True),
    Field("active", BOOL, "Still working here.", zh="是否仍在职"),
), model=model.Staff)

TARGET = Kind("target", "A quarterly target for a role.", zh="某岗位的季度目标", fields=(
    Field("quarter", LINE, "Quarter, e.g. 2026-Q3.", zh="季度，如 2026-Q3", required=True),
    _enum("role", model.ROLES, "Role the target applies to.", zh="目标适用的岗位", labels="role", required=True),
    Field("csi", NUMBER, "CSI target, 0-100.", zh="CSI 目标（0–100）", minimum=0, maximum=100),
    Field("satisfied_share", NUMBER, "Satisfied + very satisfied share, 0-1.", zh="满意＋非常满意占比目标（0–1）", minimum=0, maximum=1),
    Field("followup_coverage", NUMBER, "Follow-up coverage within the window, 0-1.", zh="回访时限内的回访覆盖率目标（0–1）", minimum=0, maximum=1),
), model=model.Target)

THRESHOLDS = Kind("thresholds", "Strength and weakness rules.", zh="优势项目与劣势项目的判定规则", fields=(
    Field("min_sample", INT, "Fewer answers: too few to classify or rank.", zh="最少样本数：答卷少于此数则不判定、不排名", minimum=1),
    Field("strength_top_share", NUMBER, "Strength: 9-10 share at least this.", zh="优势项目：9–10 分占比至少为此值", minimum=0, maximum=1),
    Field("weak_top_share", NUMBER, "Weakness: 9-10 share at most this ...", zh="劣势项目：9–10 分占比至多为此值……", minimum=0, maximum=1),
    Field("weak_bottom_share", NUMBER, "... and 1-4 share at least this.", zh="……且 1–4 分占比至少为此值", minimum=0, maximum=1),
    Field("drop", NUMBER, "Or a significant fall of the 9-10 share by at least this.", zh="或 9–10 分占比比上期显著下降至少此值", minimum=0, maximum=1),
), model=model.Thresholds)

PRIVACY = Kind("privacy", "What the published site masks.", zh="发布的网站上要遮蔽的信息", fields=(
    Field("mask_names", BOOL, "张伟 -> 张*.", zh="遮蔽客户姓名（张伟 → 张*）"),
    Field("mask_phones", BOOL, "13812345678 -> 138****5678.", zh="遮蔽电话号码（13812345678 → 138****5678）"),
    Field("mask_plates", BOOL, "粤B12345 -> 粤B1***5.", zh="遮蔽车牌号（粤B12345 → 粤B1***5）"),
), model=model.Privacy)

GARAGE = Kind("garage", "Garage settings (garage.yaml).", zh="本店设置（garage.yaml）", fields=(
    Field("name", LINE, "Garage name shown on the site.", zh="网站上显示的店名", required=True),
    _enum("language", model.LANGUAGES, "Site language.", zh="网站语言", labels="language"),
    Field("timezone", LINE, "IANA time zone, e.g. Asia/Shanghai.", zh="时区（IANA 名称），如 Asia/Shanghai"),
    Field("as_of", DATE, "Pin 'today' for reproducible reports.", zh="固定“今天”的日期，使报告可以重现"),
    _enum("report_period", ("month", "quarter"), "Default report period.", zh="默认报告周期", labels="report_period"),
    Field("staff", LIST, "Staff.", zh="员工名单", of=STAFF),
    Field("followup_window_days", INT, "Follow up within this many days of hand-over.", zh="交车后多少天内必须回访", minimum=1, maximum=90),
    Field("complaint_response_hours", INT, "First response to a complaint within.", zh="投诉首次响应时限（小时）", minimum=1,
          maximum=24 * 90),
    Field("complaint_resolution_days", INT, "Resolution within, unless a date was promised.", zh="投诉解决时限（天），已向客户承诺日期的以承诺为准", minimum=1,
          maximum=365),
    Field("comeback_days", INT, "A repair back within this many days is a comeback.", zh="维修后多少天内因同一问题返修算作返修", minimum=1,
          maximum=365),
    Field("care_horizon_days", INT, "Care reminders look this far ahead.", zh="关怀提醒提前多少天列出", minimum=1, maximum=366),
    Field("at_risk_days", INT, "No visit for longer: at risk.", zh="超过多少天未进店：有流失风险", minimum=1, maximum=3650),
    Field("lost_days", INT, "No visit for longer: presumed lost.", zh="超过多少天未进店：视为已流失", minimum=1, maximum=3650),
    Field("thresholds", OBJECT, "Strength and weakness rules.", zh="优势项目与劣势项目的判定规则", of=THRESHOLDS),
    Field("targets", LIST, "Quarterly targets per role.", zh="各岗位的季度目标", of=TARGET),
    Field("privacy", OBJECT, "Masking on the site.", zh="网站上的信息遮蔽", of=PRIVACY),
    Field("bands", LIST, "Default score bands for questionnaires without their own.", zh="默认分数段（问卷未自定义时使用）", of=BAND),
), model=model.Garage)

SURVEY_ITEM = Kind("survey item", "A question.", zh="一道题目", fields=(
    Field("id", ID, "Item id used under answers:.", zh="题目编号，回访记录的 answers 下用它", required=True),
    Field("text", I18N, "The question.", zh="题目内容", required=True),
    Field("weight", NUMBER, "Weight within its section (default 1).", zh="在所属部分中的权重（默认 1）", minimum=0),
), model=model.SurveyItem)

SECTION = Kind("section", "A section of questions.", zh="问卷的一个部分", fields=(
    Field("id", ID, "Section id.", zh="部分编号", required=True),
    Field("title", I18N, "Title.", zh="标题", required=True),
    Field("weight", NUMBER, "Weight of the section in the response score (default 1).", zh="本部分在答卷得分中的权重（默认 1）", minimum=0),
    Field("items", LIST, "Questions.", zh="题目", required=True, of=SURVEY_ITEM),
), model=model.Section)

SCALE = Kind("scale", "Score scale.", zh="评分刻度", fields=(
    # (bounded: the statistics go through every value of the scale, and no survey asks for more)
    Field("min", INT, "Lowest score.", zh="最低分", required=True, minimum=0, maximum=100),
    Field("max", INT, "Highest score.", zh="最高分", required=True, minimum=1, maximum=100),
))

QUESTIONNAIRE = Kind("questionnaire", "A questionnaire (surveys/*.yaml).", zh="一份问卷（surveys/*.yaml）", fields=(
    Field("id", ID, "Questionnaire id used by follow-ups.", zh="问卷编号，回访记录的 survey 用它", required=True),
    _enum("kind", model.SURVEY_KINDS, "service or sales.", zh="问卷类型", labels="survey_kind", required=True),
    Field("title", I18N, "Title.", zh="标题", required=True),
    Field("scale", OBJECT, "Score scale (default 1-10).", zh="评分刻度（默认 1–10）", of=SCALE),
    Field("bands", LIST, "Score bands.", zh="分数段", of=BAND),
    Field("sections", LIST, "Sections of weighted items.", zh="各部分及其加权题目", required=True, of=SECTION),
    Field("overall", OBJECT, "The overall-satisfaction question.", zh="总体满意度题目", of=SURVEY_ITEM),
), model=None)

ALL_KINDS: tuple[Kind, ...] = (GARAGE, QUESTIONNAIRE, CUSTOMER, VISIT, FOLLOWUP, COMPLAINT, ACTION)
