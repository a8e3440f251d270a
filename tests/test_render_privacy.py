"""Masking of customer names, phones and plates."""

from __future__ import annotations

import pytest

from generator.model import Privacy
from generator.render.privacy import Masker, mask_mobiles_in_text, mask_name, mask_phone, mask_plate


@pytest.mark.parametrize("name, masked", [
    ("张伟", "张*"),
    ("李秀英", "李**"),
    ("欧阳娜娜", "欧阳**"),
    ("司马光", "司马*"),
    ("欧阳", "欧*"),  # a compound surname alone still hides something
    ("John Smith", "J*** S****"),
    ("J. Smith", "J. S****"),
    ("", ""),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"),
    ("+86 138 1234 5678", "138****5678"),
    ("0755-12345678", "0755-****5678"),
    ("075512345678", "0755-****5678"),
    ("010-87654321", "010-****4321"),
    ("02112345678", "021-****5678"),
    ("12345", "*2345"),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_plate_keeps_province_city_and_last_character():
    assert mask_plate("粤B12345") == "粤B1***5"


def test_mobiles_in_free_text_are_masked_but_other_numbers_are_not():
    typed = "请回电13812345678或138-1234-5678，工单RO20260601-001，金额2013812345678"
    assert mask_mobiles_in_text(typed) == "请回电138****5678或138****5678，工单RO20260601-001，金额2013812345678"


def test_masker_follows_the_garage_settings():
    off = Masker(Privacy(mask_names=False, mask_phones=False, mask_plates=True))
    assert (off.name("张伟"), off.phone("13812345678"), off.plate("粤B12345")) == ("张伟", "13812345678", "粤B1***5")
    on = Masker(Privacy())
    assert (on.name("张伟"), on.phone("13812345678"), on.plate("粤B12345")) == ("张*", "138****5678", "粤B12345")
