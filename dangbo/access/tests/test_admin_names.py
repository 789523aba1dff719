"""The admin shows Vietnamese names: no English plural "s" glued to a Vietnamese name
("Phân công vai tròs", issue 15)."""

from __future__ import annotations

from django.contrib import admin


def test_admin_models_of_the_product_have_vietnamese_plural_names():
    for model in admin.site._registry:
        if not model.__module__.startswith("dangbo"):
            continue
        meta = model._meta
        assert str(meta.verbose_name_plural) != f"{meta.verbose_name}s", model.__name__


def test_role_assignment_plural():
    from dangbo.access.models import RoleAssignment

    assert RoleAssignment._meta.verbose_name_plural == "Phân công vai trò"
