"""Deadline kinds of plan tasks (R-130) and what "late" means for each (R-131)."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.plans import deadlines as dl
from dangbo.plans.deadlines import Report, deadline_status, parse_deadline

START = date(2022, 8, 1)


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("Quý II/2022", dl.QUARTER, date(2022, 6, 30)),
        ("Quý III/2022.", dl.QUARTER, date(2022, 9, 30)),
        ("quý 4 năm 2023", dl.QUARTER, date(2023, 12, 31)),
        ("Trước ngày 15/3/2023", dl.DATE, date(2023, 3, 15)),
        ("Tháng 6/2023", dl.DATE, date(2023, 6, 30)),
        ("Năm 2025", dl.DATE, date(2025, 12, 31)),
        ("Thường xuyên", dl.REGULAR, None),
        ("Theo nhiệm kỳ", dl.NONE, None),
    ],
)
def test_rule_r130_deadline_wordings_of_seed_003_are_parsed(text, kind, due):
    spec = parse_deadline(text)
    assert (spec.kind, spec.due) == (kind, due)
    assert spec.text == text


def test_rule_r130_hang_nam_is_a_yearly_recurring_deadline():
    assert parse_deadline("Hằng năm").recurrence == dl.YEARLY
    assert parse_deadline("Hàng quý").recurrence == dl.QUARTERLY
    assert parse_deadline("Hằng tháng").kind == dl.RECURRING


@pytest.mark.parametrize(
    ("text", "months", "days", "doc_type", "issuer"),
    [
        ("3 tháng sau khi có hướng dẫn của Trung ương", 3, 0, "huong_dan", "trung uong"),
        (
            "Sau 03 tháng kể từ khi có Quy chế mẫu và hướng dẫn thực hiện của Trung ương",
            3,
            0,
            "huong_dan",
            "trung uong",
        ),
        ("Sau 01 tháng khi Trung ương ban hành hướng dẫn", 1, 0, "huong_dan", "trung uong"),
        ("15 ngày sau khi có kết luận của Tỉnh ủy", 0, 15, "ket_luan", "tinh uy"),
    ],
)
def test_rule_r130_relative_deadlines_remember_the_offset_and_the_awaited_document(
    text, months, days, doc_type, issuer
):
    spec = parse_deadline(text)
    assert (spec.kind, spec.months, spec.days, spec.anchor_type, spec.anchor_issuer) == (
        dl.RELATIVE,
        months,
        days,
        doc_type,
        issuer,
    )


def test_an_impossible_date_is_refused_with_a_vietnamese_message():
    with pytest.raises(ValueError, match="Ngày không hợp lệ"):
        parse_deadline("31/02/2023")


def test_a_date_deadline_is_late_after_the_date_without_a_done_report():
    spec = parse_deadline("30/06/2023")
    assert deadline_status(spec, as_of=date(2023, 6, 30), start=START).state == "pending"
    late = deadline_status(spec, as_of=date(2023, 7, 1), start=START, reports=[Report(date(2023, 5, 1), 60)])
    assert late.late and late.due == date(2023, 6, 30)
    done = deadline_status(spec, as_of=date(2023, 7, 1), start=START, reports=[Report(date(2023, 6, 20), 100, True)])
    assert (done.late, done.state) == (False, "done")


def test_a_quarter_deadline_is_due_on_the_last_day_of_the_quarter():
    spec = parse_deadline("Quý III/2022")
    assert not deadline_status(spec, as_of=date(2022, 9, 30), start=START).late
    assert deadline_status(spec, as_of=date(2022, 10, 1), start=START).late
    assert (
        deadline_status(
            spec, as_of=date(2022, 10, 1), start=START, reports=[Report(date(2022, 9, 29), 100, True)]
        ).state
        == "done"
    )


def test_a_report_made_after_as_of_does_not_count():
    spec = parse_deadline("Quý III/2022")
    assert deadline_status(
        spec, as_of=date(2022, 10, 1), start=START, reports=[Report(date(2022, 12, 1), 100, True)]
    ).late


def test_a_yearly_task_needs_a_report_in_each_year_that_has_ended():
    spec = parse_deadline("Hằng năm")
    reports = [Report(date(2022, 11, 1), 50)]
    st = deadline_status(spec, as_of=date(2023, 6, 1), start=START, reports=reports)
    assert (st.late, st.due) == (False, date(2023, 12, 31))
    st = deadline_status(spec, as_of=date(2024, 1, 1), start=START, reports=reports)
    assert st.late and [p.end for p in st.missing] == [date(2023, 12, 31)]


def test_a_monthly_task_is_late_for_each_month_without_a_report():
    spec = dl.DeadlineSpec(dl.RECURRING, recurrence=dl.MONTHLY)
    st = deadline_status(spec, as_of=date(2022, 11, 5), start=START, reports=[Report(date(2022, 9, 10), 20)])
    assert [p.end for p in st.missing] == [date(2022, 8, 31), date(2022, 10, 31)]


def test_a_regular_task_needs_a_report_at_least_once_a_quarter_by_default():
    spec = parse_deadline("Thường xuyên")
    reports = [Report(date(2022, 9, 1), 10), Report(date(2022, 11, 1), 20)]
    assert not deadline_status(spec, as_of=date(2023, 3, 31), start=START, reports=reports).late
    st = deadline_status(spec, as_of=date(2023, 4, 1), start=START, reports=reports)
    assert st.late and st.due == date(2023, 3, 31)


def test_the_regular_reporting_interval_is_configurable():
    spec = parse_deadline("Thường xuyên")
    reports = [Report(date(2022, 9, 1), 10)]
    assert not deadline_status(
        spec, as_of=date(2022, 12, 31), start=START, reports=reports, regular_every_months=6
    ).late


def test_a_relative_deadline_is_not_due_until_the_document_exists():
    spec = parse_deadline("3 tháng sau khi có hướng dẫn của Trung ương")
    st = deadline_status(spec, as_of=date(2030, 1, 1), start=START)
    assert (st.late, st.due, st.state) == (False, None, "waiting")
    anchored = dl.DeadlineSpec(**{**spec.__dict__, "anchor": date(2023, 1, 31)})
    assert dl.relative_due(anchored) == date(2023, 4, 30)
    assert not deadline_status(anchored, as_of=date(2023, 4, 30), start=START).late
    assert deadline_status(anchored, as_of=date(2023, 5, 1), start=START).late


def test_a_task_without_a_computable_deadline_is_never_late():
    st = deadline_status(parse_deadline("Theo nhiệm kỳ"), as_of=date(2030, 1, 1), start=START)
    assert (st.late, st.state) == (False, "open")


def test_labels_read_like_the_plan():
    assert parse_deadline("quý 2/2022").label == "Quý II/2022"
    assert parse_deadline("Hằng năm").label == "Hằng năm"
    assert parse_deadline("30/6/2023").label == "30/06/2023"
