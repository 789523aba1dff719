"""The enterprise register (#22, R-014 other half): enterprises by sector in a locality, the party
organization set up in one (dated), the count with / without a party organization as of a date
(orgs.enterprises, the report indicator), and the pages under /to-chuc/doanh-nghiep/."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.orgs.enterprises import enterprise_counts_on, enterprise_link_party_org, enterprise_register
from dangbo.orgs.models import Enterprise
from dangbo.orgs.selectors import org_version_on
from dangbo.orgs.services import org_establish

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(tree, system_user):
    a, b = tree["commune_a"], tree["commune_b"]
    e1 = enterprise_register(
        actor=system_user,
        name="Công ty TNHH May Sông Xanh",
        sector="private_enterprise",
        locality=a,
        registered_on=date(2020, 3, 1),
        employees=320,
    )
    e2 = enterprise_register(
        actor=system_user,
        name="Công ty TNHH Điện tử Hòa Phát Việt",
        sector="foreign_invested_enterprise",
        locality=a,
        registered_on=date(2021, 6, 1),
        employees=1250,
    )
    e3 = enterprise_register(
        actor=system_user,
        name="Hợp tác xã Nông nghiệp Bình Minh",
        sector="cooperative",
        locality=b,
        registered_on=date(2023, 2, 1),
        employees=40,
    )
    cell = org_establish(
        actor=system_user,
        code="T01-X01-C09",
        name="Chi bộ Công ty TNHH May Sông Xanh",
        org_type="subordinate_cell",
        parent=a,
        on=date(2022, 5, 1),
        sector="private_enterprise",
    )
    enterprise_link_party_org(actor=system_user, enterprise=e1, party_org=cell, on=date(2022, 5, 1))
    return {"e1": e1, "e2": e2, "e3": e3, "cell": cell}


def paths_of(org, at):
    return (org_version_on(org_id=org.pk, at=at).path,)


def test_rule_r014_enterprises_with_and_without_a_party_organization_as_of_a_date(tree, register):
    province = tree["province"]
    end_2021 = enterprise_counts_on(paths=paths_of(province, date(2021, 12, 31)), at=date(2021, 12, 31))
    assert (end_2021.total, end_2021.with_party_org, end_2021.without_party_org) == (2, 0, 2)
    end_2023 = enterprise_counts_on(paths=paths_of(province, date(2023, 12, 31)), at=date(2023, 12, 31))
    assert (end_2023.total, end_2023.with_party_org, end_2023.without_party_org) == (3, 1, 2)
    assert end_2023.by_sector == {
        "private_enterprise": (1, 1),
        "foreign_invested_enterprise": (1, 0),
        "cooperative": (1, 0),
    }
    # a commune sees only the enterprises of its locality
    commune_b = enterprise_counts_on(paths=paths_of(tree["commune_b"], date(2023, 12, 31)), at=date(2023, 12, 31))
    assert (commune_b.total, commune_b.with_party_org) == (1, 0)
    # before the register starts: nothing
    assert enterprise_counts_on(paths=paths_of(province, date(2019, 12, 31)), at=date(2019, 12, 31)).total == 0


def test_rule_r014_the_report_indicator_counts_enterprises_with_a_party_organization(tree, register):
    from dangbo.reports.figures import figures_of
    from dangbo.reports.indicators import IndicatorContext

    figures = figures_of(IndicatorContext(org_id=tree["province"].pk, at=date(2023, 12, 31)))
    f = figures["doanh_nghiep_co_to_chuc_dang"]
    assert f["value"] == 1 and f["denominator"] == 3
    assert f["text"] == "1/3 doanh nghiệp có tổ chức đảng; 2 chưa có"
    cells = {k: v for k, _, v in f["breakdowns"]["khu_vuc"]}
    assert cells == {"foreign_invested_enterprise": 1, "cooperative": 1}
    earlier = figures_of(IndicatorContext(org_id=tree["province"].pk, at=date(2021, 12, 31)))
    assert earlier["doanh_nghiep_co_to_chuc_dang"]["text"] == "0/2 doanh nghiệp có tổ chức đảng; 2 chưa có"


def test_rule_r014_writes_are_checked_dated_and_audited(tree, register, commune_officer, outsider):
    with pytest.raises(DomainError):  # outside the officer's scope
        enterprise_register(
            actor=outsider,
            name="Công ty X",
            sector="private_enterprise",
            locality=tree["commune_a"],
            registered_on=date(2024, 1, 1),
        )
    with pytest.raises(DomainError):  # not a sector of the reference list
        enterprise_register(
            actor=commune_officer,
            name="Công ty X",
            sector="khong_co",
            locality=tree["commune_a"],
            registered_on=date(2024, 1, 1),
        )
    with pytest.raises(DomainError):  # a party organization before the enterprise existed
        enterprise_link_party_org(
            actor=commune_officer, enterprise=register["e2"], party_org=register["cell"], on=date(2021, 1, 1)
        )
    assert AuditEntry.objects.filter(action="orgs.enterprise_registered").count() == 3
    assert AuditEntry.objects.filter(action="orgs.enterprise_party_org_linked").count() == 1


def test_the_register_page_lists_and_counts_as_of_a_date(client, commune_officer, outsider, register):
    client.force_login(commune_officer)
    html = client.get(reverse("orgs:enterprise_list"), {"ngay": "31/12/2023"}).content.decode()
    assert "Công ty TNHH May Sông Xanh" in html and "Hợp tác xã Nông nghiệp Bình Minh" not in html  # commune B's
    counts = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", re.search(r'id="dem-doanh-nghiep">(.*?)</p>', html, re.S).group(1))
    )
    assert counts.strip() == "Đến ngày 31/12/2023: 2 doanh nghiệp, trong đó 1 có tổ chức đảng, 1 chưa có tổ chức đảng."
    without = client.get(reverse("orgs:enterprise_list"), {"ngay": "31/12/2023", "co_to_chuc": "0"}).content.decode()
    assert "Điện tử Hòa Phát Việt" in without and "May Sông Xanh</td>" not in without
    client.force_login(outsider)
    assert "Công ty TNHH May Sông Xanh" not in client.get(reverse("orgs:enterprise_list")).content.decode()
    assert client.get(reverse("orgs:enterprise_party_org", args=[register["e1"].pk])).status_code == 404


def test_the_create_form_uses_the_scoped_picker_and_creates_once(client, commune_officer, tree):
    client.force_login(commune_officer)
    url = reverse("orgs:enterprise_create")
    html = client.get(url).content.decode()
    assert 'class="org-picker' in html and "/tim-kiem/to-chuc/?action=record&amp;name=locality" in html
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    data = {
        "name": "Công ty Cổ phần Gạch Đông",
        "sector": "private_enterprise",
        "locality": str(tree["commune_b"].pk),
        "employees": "85",
        "registered_on": "01/02/2024",
        "form_token": token,
    }
    refused = client.post(url, data).content.decode()  # commune B is outside the officer's scope
    assert "không có tổ chức này trong phạm vi của bạn" in refused and not Enterprise.objects.exists()
    data["locality"] = str(tree["commune_a"].pk)
    assert client.post(url, data).status_code == 302
    client.post(url, data)
    assert Enterprise.objects.filter(name="Công ty Cổ phần Gạch Đông").count() == 1


def test_the_party_organization_is_linked_on_its_page(client, commune_officer, tree, system_user):
    e = enterprise_register(
        actor=system_user,
        name="Công ty TNHH Gỗ An Bình",
        sector="private_enterprise",
        locality=tree["commune_a"],
        registered_on=date(2020, 1, 1),
    )
    client.force_login(commune_officer)
    url = reverse("orgs:enterprise_party_org", args=[e.pk])
    assert 'class="org-picker' in client.get(url).content.decode()
    r = client.post(url, {"party_org": str(tree["cell_a2"].pk), "on": "01/03/2024"})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.party_org_id == tree["cell_a2"].pk and e.party_org_from == date(2024, 3, 1)
