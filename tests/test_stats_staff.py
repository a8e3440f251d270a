from datetime import date

import pytest

from generator.model import Complaint, Staff, Target
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from tests.stats_factories import answered, at, customer, followup, garage, questionnaire, records, visit

FORM = questionnaire({"main": ["a"]}, overall=None)  # the satisfied share on the mean: every response counts


def test_staff_kpis_targets_and_small_samples():
    v1, f1 = answered(date(2026, 7, 1), [{"a": 10}] * 4 + [{"a": 7}] * 2, "S", advisor="SA01")
    v2, f2 = answered(date(2026, 7, 2), [{"a": 10}] * 3, "T", advisor="SA02")
    complaint = Complaint("K1", v2[0].check_in, "phone", v2[0].customer, "price", "low", "x", "SA02", "open",
                          visit=v2[0].id)
    staff = [Staff("SA01", "A", "service_advisor"), Staff("SA02", "B", "service_advisor"),
             Staff("T01", "C", "technician"), Staff("CS01", "D", "customer_service"), Staff("SM01", "E", "manager")]
    targets = [Target("2026-Q3", "service_advisor", csi=80, satisfied_share=0.9, followup_coverage=1.0)]
    report = build_report(records([FORM], garage=garage(min_sample=5, staff=staff, targets=targets),
                                  visits=v1 + v2, followups=f1 + f2, complaints=[complaint]),
                          parse_period("2026-07"), date(2026, 8, 1))
    rows = {row["id"]: row for row in report["staff"]}
    assert list(rows) == ["SA01", "SA02", "T01", "CS01"]  # managers are not scored
    sa01 = rows["SA01"]
    # scores 100 x4 and (7-1)/9*100 x2
    assert sa01["csi"]["value"] == pytest.approx((400 + 2 * 600 / 9) / 6)
    assert (sa01["visits"], sa01["responses"], sa01["coverage"], sa01["small_sample"], sa01["rank"]) == (
        6, 6, 1.0, False, 1)
    assert sa01["meets"] == {"csi": True, "satisfied_share": True, "followup_coverage": True}
    assert sa01["target"] == {"quarter": "2026-Q3", "csi": 80, "satisfied_share": 0.9, "followup_coverage": 1.0}
    sa02 = rows["SA02"]
    assert (sa02["responses"], sa02["small_sample"], sa02["rank"], sa02["complaints"]) == (3, True, None, 1)
    t01 = rows["T01"]   # worked on all nine visits
    assert (t01["visits"], t01["responses"], t01["rank"], t01["target"]) == (9, 9, 1, None)
    assert t01["meets"] == {"csi": None, "satisfied_share": None, "followup_coverage": None}
    cs01 = rows["CS01"]
    assert (cs01["attempts"], cs01["attempts_reached"], cs01["attempt_reach_rate"], cs01["coverage"]) == (9, 9, 1.0, 1.0)


def test_complaints_count_in_the_period_received_for_the_visits_staff():
    may_visit = visit("V-MAY", date(2026, 5, 28), customer="C1", advisor="SA02", technicians=("T01",))
    june_visit = visit("V-JUN", date(2026, 6, 2), customer="C2", vehicle="P2", advisor="SA01", technicians=("T02",))

    def complaint(id, day, about):
        return Complaint(id, at(day), "phone", "C1", "noise", "low", "x", "SA01", "open", visit=about)

    complaints = [complaint("K1", date(2026, 6, 3), "V-MAY"),    # June, about the May visit
                  complaint("K2", date(2026, 6, 10), "V-MAY"),
                  complaint("K3", date(2026, 6, 12), "V-JUN"),
                  complaint("K4", date(2026, 6, 25), "V-JUN")]   # after the as-of day
    staff = [Staff("SA01", "A", "service_advisor"), Staff("SA02", "B", "service_advisor"),
             Staff("T01", "C", "technician"), Staff("T02", "D", "technician")]
    garage_ = garage(staff=staff)
    data = records([FORM], garage=garage_, visits=[may_visit, june_visit], complaints=complaints)

    def counted(period, as_of):
        report = build_report(data, parse_period(period), as_of)
        return {row["id"]: row["complaints"] for row in report["staff"]}

    # June as of 20 June: K1, K2 go to SA02 and T01 (the May visit's), K3 to SA01 and T02; K4 not yet
    assert counted("2026-06", date(2026, 6, 20)) == {"SA01": 1, "SA02": 2, "T01": 2, "T02": 1}
    assert counted("2026-06", date(2026, 6, 30)) == {"SA01": 2, "SA02": 2, "T01": 2, "T02": 2}
    # nothing was received in May, though the May visit drew two complaints later
    assert counted("2026-05", date(2026, 6, 30)) == {"SA01": 0, "SA02": 0, "T01": 0, "T02": 0}


def test_a_technicians_repairs_and_comebacks_are_counted_as_the_garages_are():
    # a maintenance job a later visit names in comeback_of is a repair that came back, for the
    # garage's rate and for the technician who did it alike
    maintenance = visit("M1", date(2026, 7, 1), advisor="SA01", technicians=("T01",), type="maintenance")
    back = visit("R2", date(2026, 7, 5), advisor="SA01", technicians=("T02",), comeback_of="M1")
    staff = [Staff("SA01", "A", "service_advisor"), Staff("T01", "C", "technician"), Staff("T02", "D", "technician")]
    report = build_report(records([FORM], garage=garage(staff=staff), visits=[maintenance, back]),
                          parse_period("2026-07"), date(2026, 8, 1))
    rows = {row["id"]: (row["repairs"], row["comebacks"]) for row in report["staff"]}
    assert (report["comebacks"]["repairs"], report["comebacks"]["comebacks"]) == (2, 1)
    assert rows == {"SA01": (2, 1), "T01": (1, 1), "T02": (1, 0)}


def test_a_specialists_coverage_is_of_the_visits_whose_first_follow_up_was_theirs():
    # handed over 1 July 15:00, due 4 July 15:00 (V7: 30 July, its window still open on 1 August)
    def made(id, visit_id, day, by, outcome="reached", channel="phone", month=7):
        return followup(id, visit_id, at(date(2026, month, day)), by=by, outcome=outcome, channel=channel)

    visits = [visit(f"V{n}", date(2026, 7, 1), customer=f"C{n}", vehicle=f"P{n}") for n in range(1, 9)]
    visits[6] = visit("V7", date(2026, 7, 30), customer="C7", vehicle="P7")
    followups = [
        made("F1", "V1", 2, "CS01"),                                  # CS01's, in time
        made("F2", "V2", 6, "CS01", "no_answer"),                     # CS01's, late
        made("F3a", "V3", 2, "CS02", "busy"), made("F3b", "V3", 3, "CS01"),   # CS02's, in time
        made("F5a", "V5", 2, "CS01"),                                 # phoned, though do-not-call: not a follow-up
        made("F5b", "V5", 5, "CS02", channel="sms"),                  # so CS02's, late
        made("F6", "V6", 2, "SA01"),                                  # the advisor's own call: in no specialist's row
        made("F7", "V7", 31, "CS01", "no_answer"),                    # window open: an attempt, not yet eligible
        made("F8", "V8", 3, "CS01"),                                  # CS01's, in time
    ]                                                                 # V4: nobody's
    customers = [customer(f"C{n}", plates=(f"P{n}",), do_not_call=(n == 5)) for n in range(1, 9)]
    staff = [Staff("SA01", "A", "service_advisor"), Staff("CS01", "D", "customer_service"),
             Staff("CS02", "E", "customer_service")]
    targets = [Target("2026-Q3", "customer_service", followup_coverage=1.0)]
    report = build_report(records([FORM], garage=garage(staff=staff, targets=targets), customers=customers,
                                  visits=visits, followups=followups), parse_period("2026-07"), date(2026, 8, 1))
    rows = {row["id"]: row for row in report["staff"]}
    # counted apart from the code: whose first follow-up each eligible visit had, and which were in time
    owner = {"V1": "CS01", "V2": "CS01", "V3": "CS02", "V5": "CS02", "V8": "CS01"}
    in_time = {"V1", "V3", "V8"}
    for member in ("CS01", "CS02"):
        theirs = {visit_id for visit_id, first in owner.items() if first == member}
        row = rows[member]
        assert (row["eligible"], row["covered"]) == (len(theirs), len(theirs & in_time))
        assert row["coverage"] == pytest.approx(row["covered"] / row["eligible"])
    assert (rows["CS01"]["eligible"], rows["CS01"]["covered"], rows["CS02"]["eligible"], rows["CS02"]["covered"]) == \
        (3, 2, 2, 1)
    # not the garage's 4 of 7 (V1, V3, V6, V8) copied into each row
    assert (report["followups"]["eligible"], report["followups"]["covered"], report["followups"]["no_attempt"]) == \
        (7, 4, 1)
    assert rows["CS01"]["meets"]["followup_coverage"] is False and rows["CS02"]["meets"]["followup_coverage"] is False
    # attempts: every one the specialist made at the period's visits, window closed or not
    # (F5a reached the customer: a call answered, though it does not follow the visit up)
    assert (rows["CS01"]["attempts"], rows["CS01"]["attempts_reached"]) == (6, 4)   # F1 F2 F3b F5a F7 F8
    assert (rows["CS02"]["attempts"], rows["CS02"]["attempts_reached"]) == (2, 1)   # F3a F5b
    assert rows["CS01"]["attempt_reach_rate"] == pytest.approx(4 / 6)
