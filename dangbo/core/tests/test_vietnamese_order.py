"""Vietnamese dictionary order: Đ after D (not after Y), tones ngang huyền hỏi ngã sắc nặng, on both
databases (PostgreSQL: ICU collation dangbo_vi; SQLite: the registered collation "vi")."""

from __future__ import annotations

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat

from dangbo.core.db import ViOrder
from dangbo.core.models import DataStamp
from dangbo.core.text import vi_sort_key

EXPECTED = ["A", "À", "Ả", "Ã", "Á", "Ạ", "An Bình", "Anh", "Ánh", "Ăn", "Ân", "Ba", "Dương", "Đặng", "Yến"]


def test_rule_vietnamese_order_the_python_key_sorts_as_a_dictionary():
    assert sorted(reversed(EXPECTED), key=vi_sort_key) == EXPECTED
    assert sorted(["Đặng", "Dương", "Yến", "Ánh", "Anh"], key=vi_sort_key) == ["Anh", "Ánh", "Dương", "Đặng", "Yến"]


@pytest.mark.django_db
def test_rule_vietnamese_order_the_database_sorts_as_the_python_key():
    for i, name in enumerate(reversed(EXPECTED)):
        DataStamp.objects.create(name=f"vi-{i}", token=name)
    rows = list(
        DataStamp.objects.filter(name__startswith="vi-")
        .order_by(ViOrder("token"), "name")
        .values_list("token", flat=True)
    )
    assert rows == EXPECTED
    # The same order through an expression, not only a column.
    rows = list(
        DataStamp.objects.filter(name__startswith="vi-")
        .annotate(t=Concat(F("token"), Value("")))
        .order_by(ViOrder(F("t")))
        .values_list("token", flat=True)
    )
    assert rows == EXPECTED
