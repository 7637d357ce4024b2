from datetime import date

import pytest

from generators import mask_id, validate_id_number
from generators.office.idnumber import birth_date, check_digit, gender


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


@pytest.mark.parametrize("number", [
    "11010519491231002X",            # the standard's own example
    "11010519491231002x",            # lower-case x is accepted (some systems store it so)
    with_check("43992119800229123"),  # 29 Feb of a leap year
    with_check("43992120000101001"),
    " 11010519491231002X ",           # blanks around are ignored
])
def test_valid_numbers(number):
    assert validate_id_number(number) is None


@pytest.mark.parametrize("number, message", [
    ("110105194912310021", "校验位错误（应为 X）"),
    (with_check("43992119810229123"), "出生日期 19810229 不是有效日期"),
    (with_check("43992119801301123"), "出生日期 19801301 不是有效日期"),
    (with_check("43992118990101123"), "早于 1900 年"),
    ("11010519491231002", "长度应为 18 位，现为 17 位"),
    ("11010519491231002X1", "长度应为 18 位，现为 19 位"),
    ("1101051949123100AX", "前 17 位应为数字"),
    ("11010519491231002Y", "前 17 位应为数字，最后一位为数字或 X"),
    (with_check("99010519491231002"), "不是有效的省级行政区划代码"),
    ("", "身份证号为空"),
])
def test_invalid_numbers(number, message):
    assert message in validate_id_number(number)


def test_future_birth_date():
    number = with_check("43992120300101123")
    assert "晚于今天" in validate_id_number(number)
    assert validate_id_number(number, today=date(2031, 1, 1)) is None


def test_check_digit_covers_all_remainders():
    # every check character, including X, comes out for some number: the table is complete
    seen = {check_digit(f"43992119800101{n:03d}") for n in range(1000)}
    assert seen == set("0123456789X")


def test_birth_date_and_gender():
    assert birth_date("11010519491231002X") == date(1949, 12, 31)
    assert gender("11010519491231002X") == "女"
    assert gender(with_check("43992119800101011")) == "男"


@pytest.mark.parametrize("number, masked", [
    ("430103199001011234", "430103********1234"),
    ("11010519491231002x", "110105********002X"),
    ("12345", "*****"),
    ("", ""),
])
def test_mask_id(number, masked):
    assert mask_id(number) == masked


def test_digits_other_than_ascii_are_read_or_refused_never_raise():
    """Found by the property tests: '²'.isdigit() is True but int('²') fails inside the check digit."""
    assert validate_id_number("4399211980010112²3") == "前 17 位应为数字，最后一位为数字或 X"
    assert validate_id_number(with_check("43992119800101123").translate(
        str.maketrans("0123456789", "０１２３４５６７８９"))) is None
