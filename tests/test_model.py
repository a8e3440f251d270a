"""The record classes: tuples declared and built like dataclasses (generator/model.py)."""

from __future__ import annotations

import pickle
import pickletools
from datetime import date, datetime

import pytest

from generator import model
from generator.model import Customer, Followup, Lost, Vehicle, Visit

CHECK_IN = datetime(2026, 9, 1, 8, 30)


def a_visit(**changes) -> Visit:
    return Visit(**{"id": "RO1", "customer": "C1", "vehicle": "粤B12345", "type": "repair",
                    "check_in": CHECK_IN, "service_advisor": "SA01", **changes})


def test_fields_come_by_keyword_or_position_with_the_declared_defaults():
    visit = a_visit()
    assert (visit.id, visit.check_in, visit.promised, visit.technicians, visit.where) == \
        ("RO1", CHECK_IN, None, [], ("", 0))
    assert Visit("RO1", "C1", "粤B12345", "repair", CHECK_IN, "SA01") == visit
    assert Lost(date(2026, 1, 2), "moved").note is None


def test_each_record_gets_its_own_list_from_a_default_factory():
    first, second = a_visit(), a_visit()
    assert first.technicians == [] and first.technicians is not second.technicians


@pytest.mark.parametrize("build, message", [
    (lambda: Visit(id="RO1"), "Visit() missing the field 'customer'"),
    (lambda: a_visit(colour="red"), "Visit() has no field 'colour'"),
    (lambda: Lost(date(2026, 1, 2), "moved", cause="sold_car"), "Lost() got 'cause' twice"),
    (lambda: Lost(date(2026, 1, 2), "moved", None, "extra"), "Lost() takes 3 fields, 4 given"),
])
def test_a_wrong_construction_says_what_is_wrong(build, message):
    with pytest.raises(TypeError) as raised:
        build()
    assert str(raised.value) == message


def test_records_are_immutable_and_replace_makes_a_changed_copy():
    visit = a_visit()
    with pytest.raises(AttributeError):
        visit.id = "RO2"
    changed = visit._replace(id="RO2", mileage=1200)
    assert (changed.id, changed.mileage, visit.id, visit.mileage) == ("RO2", 1200, "RO1", None)
    with pytest.raises(TypeError):
        visit._replace(colour="red")


def test_equality_and_repr_leave_out_what_a_dataclass_field_hides():
    answered = Followup("F1", CHECK_IN, "phone", "CS01", "reached", answers={"overall": 9})
    weighed = answered._replace(weighed=({"overall": 9}, None))
    assert answered == weighed and not answered != weighed
    assert "weighed" not in repr(weighed)
    assert answered != answered._replace(outcome="busy")
    # a record is not the tuple of its fields, nor a record of another kind
    assert answered != tuple(answered) and a_visit() != Customer("C1", "王伟")
    with pytest.raises(TypeError):
        hash(answered)


def test_a_record_unpickles_in_c_as_the_same_record(monkeypatch):
    customer = Customer("C1", "王伟", vehicles=[Vehicle("粤B12345", purchase_date=date(2024, 5, 1))],
                        lost=Lost(date(2026, 1, 2), "moved"))
    data = pickle.dumps(customer, protocol=pickle.HIGHEST_PROTOCOL)
    # NEWOBJ: tuple.__new__ rebuilds each record, without a Python call (why records are tuples)
    assert [op.name for op, _, _ in pickletools.genops(data)].count("NEWOBJ") == 3

    def no_python_call(cls, *args, **kwargs):
        raise AssertionError("unpickling called the record type")

    monkeypatch.setattr(model._RecordType, "__call__", no_python_call)
    loaded = pickle.loads(data)
    assert loaded == customer and type(loaded.vehicles[0]) is Vehicle and type(loaded.lost) is Lost


def test_field_names_reads_records_and_dataclasses():
    assert model.field_names(Lost) == ("date", "cause", "note")
    assert model.field_names(model.Staff) == ("id", "name", "role", "active", "where")
