"""Names, phones, plates, VINs and car models of a garage in Shenzhen.

Every function takes the caller's ``random.Random`` so a seed fixes the output.
"""

from __future__ import annotations

import random
from datetime import date

from generator.demo.write import Plain

# Roughly by frequency (percent of the population), southern China leaning.
SURNAMES = (
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 5.5), ("杨", 3.1),
    ("黄", 3.0), ("赵", 2.3), ("吴", 2.1), ("周", 2.1), ("徐", 1.7), ("孙", 1.5),
    ("马", 1.5), ("朱", 1.3), ("胡", 1.3), ("郭", 1.2), ("何", 1.3), ("高", 1.1),
    ("林", 1.5), ("罗", 1.0), ("郑", 1.0), ("梁", 1.2), ("谢", 0.9), ("宋", 0.8),
    ("唐", 0.8), ("许", 0.7), ("韩", 0.7), ("冯", 0.7), ("邓", 0.8), ("曹", 0.6),
    ("彭", 0.6), ("曾", 0.7), ("肖", 0.6), ("田", 0.5), ("董", 0.5), ("袁", 0.5),
    ("潘", 0.5), ("于", 0.4), ("蒋", 0.4), ("蔡", 0.5), ("余", 0.4), ("杜", 0.4),
    ("叶", 0.5), ("程", 0.4), ("苏", 0.4), ("魏", 0.4), ("吕", 0.3), ("丁", 0.3),
    ("任", 0.3), ("沈", 0.3), ("姚", 0.3), ("卢", 0.3), ("姜", 0.3), ("崔", 0.3),
    ("钟", 0.4), ("谭", 0.3), ("陆", 0.3), ("汪", 0.3), ("范", 0.3), ("金", 0.3),
    ("石", 0.3), ("廖", 0.3), ("贾", 0.2), ("夏", 0.2), ("韦", 0.2), ("方", 0.2),
    ("欧阳", 0.05), ("司马", 0.01),
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙阳建国峰亮成文志海东"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀燕玲丹萍红婷雪琳颖倩洁慧莉欣佳怡晶梅琴蕾"
GIVEN_FIRST = "建志晓小子梓浩思俊家嘉文雅欣佳国永海春秀宏明伟立振天一雨梦"

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "166", "173", "176", "177", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "191", "198", "199",
)
AREA_CODES = (("0755", 8), ("0755", 8), ("0755", 8), ("020", 8), ("0769", 8))

# Plate prefixes of cars seen in a Shenzhen garage.
PLATE_PREFIXES = (
    ("粤B", 78), ("粤A", 5), ("粤S", 4), ("粤L", 3), ("粤E", 2), ("湘A", 2),
    ("赣B", 1), ("鄂A", 1), ("桂A", 1), ("川A", 1), ("闽D", 1), ("粤X", 1),
)
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_VALUES = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9)))
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Model-year code (VIN position 10), 2010-2030.
VIN_YEARS = "ABCDEFGHJKLMNPRSTVWXY"

# (brand, model, WMI, energy: "" petrol / "D" electric / "F" plug-in hybrid, weight).
# The garage is a Volkswagen dealer: it sells those and services everything.
MODELS = (
    ("大众", "朗逸", "LSV", "", 10), ("大众", "帕萨特", "LSV", "", 7),
    ("大众", "途观L", "LSV", "", 6), ("大众", "速腾", "LFV", "", 6),
    ("大众", "迈腾", "LFV", "", 5), ("大众", "ID.4 X", "LSV", "D", 3),
    ("丰田", "凯美瑞", "LVG", "", 4), ("丰田", "卡罗拉", "LFM", "", 4),
    ("丰田", "RAV4荣放", "LFM", "", 3), ("本田", "雅阁", "LHG", "", 4),
    ("本田", "思域", "LVH", "", 3), ("本田", "CR-V", "LVH", "", 3),
    ("日产", "轩逸", "LGB", "", 4), ("别克", "英朗", "LSG", "", 2),
    ("别克", "GL8", "LSG", "", 2), ("比亚迪", "汉EV", "LGX", "D", 3),
    ("比亚迪", "秦PLUS DM-i", "LGX", "F", 4), ("比亚迪", "宋PLUS DM-i", "LGX", "F", 3),
    ("特斯拉", "Model 3", "LRW", "D", 2), ("特斯拉", "Model Y", "LRW", "D", 2),
    ("理想", "L7", "HLX", "F", 1), ("吉利", "星越L", "L6T", "", 2),
    ("长安", "CS75 PLUS", "LS5", "", 2), ("哈弗", "H6", "LGW", "", 2),
    ("宝马", "3系", "LBV", "", 2), ("奔驰", "C级", "LE4", "", 2), ("奥迪", "A4L", "LFV", "", 2),
)
DEALER_BRAND = "大众"

SURVEY_FIRMS = ("益普索市场研究", "零点有数调查", "君迪市场调研")


def weighted(rng: random.Random, pairs) -> object:
    """Pick the first element of a (value, weight) pair by weight."""
    total = sum(weight for _, weight in pairs)
    mark = rng.random() * total
    for value, weight in pairs:
        mark -= weight
        if mark < 0:
            return value
    return pairs[-1][0]


def person_name(rng: random.Random, female: bool | None = None) -> str:
    surname = weighted(rng, SURNAMES)
    if female is None:
        female = rng.random() < 0.4
    chars = GIVEN_FEMALE if female else GIVEN_MALE
    if rng.random() < 0.35:
        return surname + rng.choice(chars)
    return surname + rng.choice(GIVEN_FIRST) + rng.choice(chars)


def phone(rng: random.Random) -> Plain:
    """A mobile number, or now and then a landline with its area code."""
    if rng.random() < 0.06:
        code, digits = rng.choice(AREA_CODES)
        return Plain(code + str(rng.randint(2, 8)) + "".join(rng.choice("0123456789") for _ in range(digits - 1)))
    return Plain(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}")


def plate(rng: random.Random, energy: str) -> str:
    prefix = weighted(rng, PLATE_PREFIXES)
    if energy:
        second = rng.choice(PLATE_LETTERS + "0123456789")
        return f"{prefix}{energy}{second}{rng.randrange(10000):04d}"
    pattern = rng.choice(("DDDDD", "LDDDD", "DLDDD", "DDLDD", "LLDDD", "DDDDL"))
    chars = [rng.choice(PLATE_LETTERS) if slot == "L" else rng.choice("0123456789") for slot in pattern]
    return prefix + "".join(chars)


def vin(rng: random.Random, wmi: str, model_year: int) -> str:
    """A 17-character VIN with a correct check digit (position 9)."""
    body = list(wmi + "".join(rng.choice(VIN_CHARS) for _ in range(5)) + "0")
    body.append(VIN_YEARS[min(max(model_year - 2010, 0), len(VIN_YEARS) - 1)])
    body.append(rng.choice(VIN_CHARS[:23]))
    body.extend(f"{rng.randrange(10 ** 6):06d}")
    total = sum(
        (int(char) if char.isdigit() else VIN_VALUES[char]) * weight
        for char, weight in zip(body, VIN_WEIGHTS)
    )
    check = total % 11
    body[8] = "X" if check == 10 else str(check)
    return "".join(body)


def model(rng: random.Random) -> tuple[str, str, str, str]:
    """(brand, model, WMI, energy) weighted by how often each is seen."""
    entry = weighted(rng, [((brand, name, wmi, energy), weight) for brand, name, wmi, energy, weight in MODELS])
    return entry


def birthday(rng: random.Random, as_of: date) -> date:
    age_days = rng.randint(23 * 365, 68 * 365)
    return date.fromordinal(as_of.toordinal() - age_days)
