"""Exact amounts as printed in these reports."""

from decimal import Decimal

import pytest

from corpus.numbers import find_amounts, is_code, is_missing, parse_cell, parse_decimal, unit_in


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,603,345.54", "1603345.54"),
        ("2,940.05", "2940.05"),
        ("87267272.44", "87267272.44"),
        ("-16.95", "-16.95"),
        ("−16.95", "-16.95"),
        ("(12.00)", "-12.00"),
        ("（12.00）", "-12.00"),
        ("１２３．４５", "123.45"),
        ("１，２３４", "1234"),
        ("0.00", "0.00"),
    ],
)
def test_parse_decimal_exact(text: str, value: str) -> None:
    parsed = parse_decimal(text)
    assert isinstance(parsed, Decimal)
    assert parsed == Decimal(value)
    assert str(parsed) == value


@pytest.mark.parametrize("text", ["", " ", "-", "—", "无", "——"])
def test_missing_is_not_zero(text: str) -> None:
    assert is_missing(text)
    assert parse_cell(text) is None


@pytest.mark.parametrize("text", ["208", "20805", "2080506", "208 05 06", "30101"])
def test_function_codes(text: str) -> None:
    assert is_code(text)


@pytest.mark.parametrize("text", ["2,940.05", "135,200", "1178.28", "54.39"])
def test_amounts_are_not_codes(text: str) -> None:
    assert not is_code(text)


@pytest.mark.parametrize(
    ("caption", "unit"),
    [
        ("单位：万元", "万元"),
        ("单位:万元", "万元"),
        ("编制单位：上海市普陀区司法局 单位：元", "元"),
        ("金额单位：元", "元"),
        ("预算额（百）", "百元"),
        ("执行额 （百元）", "百元"),
        ("单位：万 元", "万元"),
        ("部门： 江苏省人大常委会办公厅 单位：万元", "万元"),
        ("收入", None),
    ],
)
def test_unit_captions(caption: str, unit: str | None) -> None:
    assert unit_in(caption) == unit


@pytest.mark.parametrize(
    ("text", "printed", "value", "unit", "yuan", "kind", "approx"),
    [
        ("支出54.39万元，", "54.39万元", "54.39", "万元", "543900", "money", False),
        ("笔记本电脑13,800元；", "13,800元", "13800", "元", "13800", "money", False),
        ("支出40,480元", "40,480元", "40480", "元", "40480", "money", False),
        ("结余117828.14百元", "117828.14百元", "117828.14", "百元", "11782814", "money", False),
        ("共3亿元", "3亿元", "3", "亿元", "300000000", "money", False),
        ("下降85.47%", "85.47%", "85.47", "%", None, "percent", False),
        ("增长 10.06 %", "10.06 %", "10.06", "%", None, "percent", False),
        ("车辆13辆", "13辆", "13", "辆", None, "count", False),
        ("13批次", "13批次", "13", "批次", None, "count", False),
        ("196人次", "196人次", "196", "人次", None, "count", False),
        ("提供法律支撑120余次", "120余次", "120", "次", None, "count", True),
        ("审核1.8万余条", "1.8万余条", "18000", "条", None, "count", True),
        ("满意度≥90%", "≥90%", "90", "%", None, "percent", True),
        ("收入总计 477,447.73 万元", "477,447.73 万元", "477447.73", "万元", "4774477300", "money", False),
        ("支出５４．３９万元", "５４．３９万元", "54.39", "万元", "543900", "money", False),
    ],
)
def test_find_amounts(text, printed, value, unit, yuan, kind, approx) -> None:
    ((start, end, amount),) = find_amounts(text)
    assert text[start:end] == printed == amount.printed
    assert amount.value == Decimal(value)
    assert amount.unit == unit
    assert amount.yuan == (None if yuan is None else Decimal(yuan))
    assert amount.kind == kind
    assert amount.approx is approx


def test_years_and_item_numbers_are_not_amounts() -> None:
    assert find_amounts("2019年12月底，（1）第3部分，21011行政事业单位") == []


def test_a_letter_spaced_number_is_not_read_by_its_last_digit() -> None:
    """Some text layers space every character ("1 8 1 . 2 9万元"): its last digit alone is not 9万元."""
    assert [a.printed for _, _, a in find_amounts("支出 1 8 1 . 2 9万元，占83.31%")] == ["83.31%"]
    assert [a.printed for _, _, a in find_amounts("共 3 人，经费 12.5万元")] == ["3 人", "12.5万元"]
