"""Masking of customer names, phones and plates."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from generator.model import Privacy
from generator.render.privacy import (Masker, NameFinder, PhoneSweep, PlateFinder, mask_mobiles_in_text, mask_name,
                                      mask_phone, mask_plate)


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


def test_phone_sweep_masks_numbers_as_typed_and_leaves_other_figures():
    sweep = PhoneSweep(["138 1234 5678", "(010) 6552-1234", "0755#1234567", "12345"])
    page = ("| 客户 | 138 1234 5678 | CSI 88.5 | 2026-10-08 |\n"
            "call (010) 6552-1234 or 0755#1234567; code 12345; ratio 1381234.5678")
    # the masks' stars escaped: the sweep works on Markdown, where two masked numbers in a
    # paragraph made the text between them bold
    assert sweep(page) == ("| 客户 | 138\\*\\*\\*\\*5678 | CSI 88.5 | 2026-10-08 |\n"
                           "call 010-\\*\\*\\*\\*1234 or 0755-\\*\\*\\*4567; code 12345; ratio 1381234.5678")


_PHONES = st.lists(st.from_regex(r"1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-[0-9]{7,8}|\+86 1[3-9][0-9] [0-9]{4} [0-9]{4}",
                                 fullmatch=True), min_size=1, max_size=6, unique=True)


@given(_PHONES, st.data())
def test_phone_sweep_equals_replacing_each_number_in_turn(phones, data):
    words = st.one_of(st.sampled_from(phones), st.sampled_from([" ", " | ", "，电话", "\n", "88.5", "2026-10-08", "x"]))
    page = "".join(data.draw(st.lists(words, max_size=12)))
    naive = page
    for phone in phones:
        naive = naive.replace(phone, mask_phone(phone).replace("*", "\\*"))
    assert PhoneSweep(phones)(page) == naive


def test_landlines_and_dotted_mobiles_in_free_text_are_masked_and_dates_and_amounts_are_not():
    typed = ("请回电 0755-88881234 或 138.1234.5678 或 020 12345678 或 (020) 8765-4321，2026-10-08 付 0.5，"
             "RO20260601-001，1234567.50")
    assert mask_mobiles_in_text(typed) == ("请回电 0755-****1234 或 138****5678 或 020-****5678 或 020-****4321，"
                                           "2026-10-08 付 0.5，RO20260601-001，1234567.50")
    # a number ending a sentence, or written the international way, is a number too; a run of
    # digits without the area code set apart (an order or part number) or inside an id is not
    assert mask_mobiles_in_text("Call 0755-88881234. Or +86 10 6552 9988, +86-755-88881234, (138) 1234 5678.") == (
        "Call 0755-****1234. Or 010-****9988, 0755-****1234, 138****5678.")
    for figure in ("订单号 0123456789", "更换刹车片 0986494601", "RO-0601-0012-3456"):
        assert mask_mobiles_in_text(figure) == figure


def test_phone_sweep_finds_a_number_markdown_escaped_and_keeps_the_spaces_around_it():
    from generator.render.escape import md_text

    page = md_text("请回电 0755-88881234 或 (020) 8765-4321 。 比分 88.5-90.0")
    assert PhoneSweep(["0755-88881234", "(020) 8765-4321"])(page) == (
        "请回电 0755\\-\\*\\*\\*\\*1234 或 020\\-\\*\\*\\*\\*4321 。 比分 88\\.5\\-90\\.0")


def test_numbers_typed_on_a_chinese_keyboard_or_in_other_groups_are_masked():
    typed = ("原号码１３４４９２０６３１９，或134－4920－6319，微信同号 134 - 2546 - 6319，备用 134/2546/6319，"
             "138　0013　8000，1380-013-8000，138 00 13 80 00，008613800138000，1381234 5678，"
             "家里 010－65521234，+86 (0)10 6552 9988，0086-10-65529988，010/65521234")
    assert mask_mobiles_in_text(typed) == (
        "原号码134****6319，或134****6319，微信同号 134****6319，备用 134****6319，"
        "138****8000，138****8000，138****8000，138****8000，138****5678，"
        "家里 010-****1234，010-****9988，010-****9988，010-****1234")
    # single digits apart are a row of scores, not a number; a number goes on after a space
    for figure in ("得分 13 9 8 9 9 8 7 9 9 8 10", "里程 13,800 km，2026-11-29 13:00"):
        assert mask_mobiles_in_text(figure) == figure
    assert mask_mobiles_in_text("13812345678 2026") == "138****5678 2026"


def test_a_customer_id_that_is_the_customers_number_is_masked():
    # some systems number customers by their phone: the id shows the number
    sweep = PhoneSweep(["0755-88881234", "138 1234 5678"])
    assert sweep("曾\\* (075588881234); 王\\* (13812345678)") == \
        "曾\\* (0755-\\*\\*\\*\\*1234); 王\\* (138\\*\\*\\*\\*5678)"


@pytest.mark.parametrize("text, masked", [
    ("客户曾婷反映方向盘偏", "客户曾*反映方向盘偏"),
    ("欧阳娜娜和欧阳锋同来", "欧阳**和欧阳锋同来"),  # the longest name first; a name not a customer's stays
    ("Tomorrow Tom called John Smith", "Tomorrow T** called J*** S****"),  # a Latin name only as a word
    ("Li and 李 stay", "Li and 李 stay"),  # too short to be anyone's alone
])
def test_customers_full_names_in_free_text_are_masked(text, masked):
    names = NameFinder(["曾婷", "欧阳娜娜", "Tom", "John Smith", "Li", "李", None])
    assert Masker(Privacy(), names).free_text(text) == masked
    assert Masker(Privacy(mask_names=False), names).free_text(text) == text


def test_a_customers_plate_in_free_text_is_masked_when_plates_are_however_it_was_typed():
    plates = PlateFinder(["粤B12345", "京A0001X"])
    said = "粤B12345 的客户说京A0001X 也要保养；粤B123456 不是我们的车，粤b 12345、粤B·12345、粤Ｂ１２３４５ 是"
    assert Masker(Privacy(mask_plates=True), plates=plates).free_text(said) == \
        "粤B1***5 的客户说京A0***X 也要保养；粤B123456 不是我们的车，粤B1***5、粤B1***5、粤B1***5 是"
    assert Masker(Privacy(), plates=plates).free_text(said) == said  # plates are shown unless the garage masks them


# A customer called 高峰 ("peak") masked every 高峰 in staff's text: "早高*接待人员不足"
_PEAK = Masker(Privacy(), NameFinder(["高峰", "平安", "曾婷", "李秀英"]), customers={"C0046": "高峰", "C0047": "曾婷"})


@pytest.mark.parametrize("text, shown", [
    # a two-character name that is a word, inside a sentence: the word
    ("早高峰接待人员不足", "早高峰接待人员不足"),
    ("第一阶段措施在暑期高峰执行不到位", "第一阶段措施在暑期高峰执行不到位"),
    ("高峰时段增派一名客服驻休息区", "高峰时段增派一名客服驻休息区"),
    ("周末客户高峰期接待不足，平安保险理赔慢", "周末客户高峰期接待不足，平安保险理赔慢"),
    ("早高峰总是排队，早高峰 8:00-9:00，2026-10-08 起", "早高峰总是排队，早高峰 8:00-9:00，2026-10-08 起"),
    # … and where it stands as a name: before a title, after 客户 and before a verb or the
    # end, before a phone number, plate or id, or alone
    ("客户高峰先生投诉等待太久", "客户高*先生投诉等待太久"),
    ("客户高峰反映异响，回访高峰", "客户高*反映异响，回访高*"),
    ("车主：高峰，电话13640995501", "车主：高*，电话136****5501"),
    ("高峰 粤B12345 高峰（C0046）", "高* 粤B12345 高*（C0046）"),
    ("高峰", "高*"),
    ("高峰总：", "高*总："),
    ("高峰说下次不来了。平安反映理赔慢", "高*说下次不来了。平*反映理赔慢"),  # a clause's first word, saying something
    ("平安说明理赔流程；高峰电话多，平安也很重要", "平安说明理赔流程；高峰电话多，平安也很重要"),
    # three characters or more: a name wherever it stands
    ("昨天李秀英来店，早高峰人多", "昨天李**来店，早高峰人多"),
])
def test_a_two_character_name_is_masked_where_it_stands_as_a_name_not_inside_a_word(text, shown):
    assert _PEAK.free_text(text) == shown


def test_a_customers_own_text_masks_their_name_wherever_it_stands():
    said = "高峰时段等了两小时，早高峰人多；客户高峰说下次不来了，客户曾婷也是"
    assert _PEAK.free_text(said, "C0046") == "高*时段等了两小时，早高*人多；客户高*说下次不来了，客户曾*也是"
    # another customer's text: 高峰 only where it is a name
    assert _PEAK.free_text(said, "C0047") == "高峰时段等了两小时，早高峰人多；客户高*说下次不来了，客户曾*也是"
    assert _PEAK.free_text(said, "C9999") == _PEAK.free_text(said)  # (an id that is no customer's: nobody's text)
    assert Masker(Privacy(mask_names=False), _PEAK.names, customers=_PEAK.customers).free_text(said, "C0046") == said


def test_latin_names_are_masked_as_whole_words_in_any_case_and_spacing():
    masker = Masker(Privacy(), NameFinder(["Wang Wei", "Li Na", "Li", "Tom", "Mark"]), customers={"C1": "Li"})
    said = "WANG Wei and wang  wei, Li Na; Wang Weiguo, Lina, Li, Tom, tom, Mark, mark"
    assert masker.free_text(said) == "W*** W** and w*** w**, L* N*; Wang Weiguo, Lina, Li, T**, tom, M***, mark"
    assert masker.free_text("客户Wang Wei反映，Li说", "C1") == "客户W*** W**反映，L*说"  # Li's own text: Li too
    assert masker.free_text("Wang\nWei") == "Wang\nWei"  # two lines are not one name
    # a name in another alphabet, as typed, wherever it stands (Cyrillic, Hangul)
    assert Masker(Privacy(), NameFinder(["Иван", "김민수"])).free_text("Иван и 김민수가") == "И*** и 김**가"
