"""The cross-record checks' inline test of the usual case sends on every record with a problem."""

from __future__ import annotations

from datetime import date, timedelta

from generator.validate import load_records
from generator.validate.references import Locator, ReferenceCheck
from tests.conftest import REPO

AS_OF = date(2026, 10, 8)


def _each_record_checked(records, known, locate) -> list:
    """What the checks say when every record goes through them, without the inline test."""
    check = ReferenceCheck(records, known, locate)
    for visit in records.visits:
        check._visit(visit)
    for followup in records.followups:
        check._followup(followup)
    for complaint in records.complaints:
        check._complaint(complaint)
    for action in records.actions:
        check._action(action)
    return check.problems


def test_run_finds_what_checking_every_record_finds():
    loaded = load_records(REPO, AS_OF)
    records = loaded.records
    staff = {member.role: member.id for member in records.garage.staff}
    visit = next(v for v in records.visits if v.handed_over is not None and v.technicians)
    later = next(v for v in records.visits if v.handed_over is not None and v.check_in > visit.check_in)
    followup = next(f for f in records.followups if f.visit and f.source == "internal")
    # one problem each, of every kind the inline test must send on
    records.visits += [
        visit._replace(id="X1", customer="C9999"),
        visit._replace(id="X2", vehicle="粤Z00000"),
        visit._replace(id="X3", service_advisor=staff["technician"]),
        visit._replace(id="X4", service_advisor="NOBODY"),
        visit._replace(id="X5", technicians=[staff["service_advisor"]]),
        visit._replace(id="X6", technicians=["NOBODY"]),
        visit._replace(id="X7", handed_over=visit.check_in - timedelta(hours=1)),
        visit._replace(id="X8", comeback_of=later.id),
        visit._replace(id="X9", comeback_of="RO-NONE"),
        visit._replace(id="X10", handed_over=None),
    ]
    records.followups += [
        followup._replace(id="Y1", visit="RO-NONE"),
        followup._replace(id="Y2", visit="X10"),
        followup._replace(id="Y3", at=visit.handed_over - timedelta(days=1), visit=visit.id),
        followup._replace(id="Y4", by="NOBODY"),
        followup._replace(id="Y5", survey="nosuch"),
        followup._replace(id="Y6", complaint="CP-NONE"),
        followup._replace(id="Y7", outcome="busy", answers={"overall": 9}),
        followup._replace(id="Y8", visit=None, purchase="粤Z00000"),
        followup._replace(id="Y9", visit="RO-BROKEN"),  # named by a file whose record is not usable: no error
    ]
    known = {"survey": set(records.questionnaires), "staff": {member.id for member in records.garage.staff},
             "customer": {c.id for c in records.customers}, "visit": {v.id for v in records.visits},
             "followup": {f.id for f in records.followups}, "complaint": {c.id for c in records.complaints},
             "action": {a.id for a in records.actions}}
    known["visit"].add("RO-BROKEN")

    found = ReferenceCheck(records, known, Locator(REPO)).run()

    expected = _each_record_checked(records, known, Locator(REPO))
    assert found == expected
    # every planted problem but the visit still in the workshop (X10) and Y9, once each
    assert len(found) == 17
    assert "follow-up of visit X10, which has no handed_over time" in {problem.message for problem in found}


def _as_list(record_text: str) -> str:
    return "".join(("- " if number == 0 else "  ") + line + "\n"
                   for number, line in enumerate(record_text.splitlines()))


def test_a_repeated_id_across_month_files_is_reported_the_same_from_the_cache(tmp_path):
    from generator.load.cache import CachedLoader
    from generator.validate import load_sequentially
    from generator.validate.files import FileResult, load_record_file, slim
    from generator.validate.schema import RECORD_KINDS
    from tests.conftest import CUSTOMER, VISIT, write_garage

    second = VISIT.replace("id: RO1", "id: RO2")
    root = write_garage(tmp_path, {
        "records/customers/C0001.yaml": CUSTOMER,
        "records/visits/2026-05.yaml": _as_list(VISIT) + _as_list(second),
        "records/visits/2026-06.yaml": _as_list(VISIT.replace("id: RO1", "id: RO3")) + _as_list(second),
    })
    # a file whose ids are its records' own keeps none of its own (fewer objects in the cache)
    whole = slim(load_record_file(root, "records/visits/2026-05.yaml", RECORD_KINDS["visits"], {}))
    assert type(whole) is FileResult and whole.ids is None and whole.named() == [("RO1", 1), ("RO2", 9)]

    plain = load_records(root, AS_OF, load_sequentially)
    cold = load_records(root, AS_OF, CachedLoader(root, workers=1))
    warm = load_records(root, AS_OF, CachedLoader(root, workers=1))

    duplicates = [problem.format() for problem in plain.problems if problem.code == "duplicate-id"]
    assert duplicates == ["records/visits/2026-06.yaml:9:1: error duplicate-id: visit id 'RO2' is already used at "
                          "records/visits/2026-05.yaml:9\n    hint: give this record a new id (csi new picks the next free one)"]
    assert cold.problems == plain.problems and warm.problems == plain.problems
