"""Ids in pages (data attributes, form values, links) are never grouped with thousand dots:
USE_THOUSAND_SEPARATOR formats 123456 as "123.456", which breaks every id above 999."""

from __future__ import annotations

from datetime import date

from dangbo.orgs.models import Organization, OrgVersion


def test_ids_above_999_are_rendered_as_plain_digits(client, officer, tree):
    parent = OrgVersion.objects.get(org=tree["commune_a"])
    big = Organization.objects.create(id=123456, code="T01-X01-C99")
    OrgVersion.objects.create(
        org=big,
        name="Chi bộ thôn Số Lớn",
        org_type="subordinate_cell",
        parent=tree["commune_a"],
        path=f"{parent.path}{big.pk}/",
        depth=parent.depth + 1,
        valid_from=date(2015, 1, 1),
    )
    client.force_login(officer)
    html = client.get(f"/to-chuc/{tree['commune_a'].pk}/truc-thuoc/", {"ngay": "01/01/2024"}).content.decode()
    assert "Chi bộ thôn Số Lớn" in html
    assert 'data-org="123456"' in html
    assert "123.456" not in html
