from datetime import date

import pytest

from generator.model import Complaint, Staff, Target
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from tests.stats_factories import answered, garage, questionnaire, records

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
    assert (cs01["attempts"], cs01["reached"], cs01["reach_rate"], cs01["coverage"]) == (9, 9, 1.0, 1.0)
