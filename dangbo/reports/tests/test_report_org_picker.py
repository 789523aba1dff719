"""#15 «one searchable, scoped organization picker everywhere an organization is chosen»: the
report pages (dashboard, indicator overview, periodic report, admission quotas) choose the
organization with core.forms.OrgPicker, not a select of the tree nor a hidden field, and the
chosen organization is shown with its parent."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["dashboard", "indicator_overview", "periodic_report", "quota_list"])
def test_the_report_page_chooses_the_organization_with_the_scoped_picker(client, officer, tree, name):
    client.force_login(officer)
    html = client.get(reverse(f"reports:{name}"), {"org": tree["commune_a"].pk}).content.decode()
    assert 'id="id_org_picker"' in html
    assert '<select class="form-select form-select-sm" name="org"' not in html
    assert f'<input type="hidden" name="org" value="{tree["commune_a"].pk}" id="id_org">' in html
    assert 'value="Đảng bộ xã An Bình — Đảng bộ huyện Sông Xanh"' in html  # the chosen one, with its parent
    url = re.search(r'hx-get="(/tim-kiem/to-chuc/\?[^"]*name=org&[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "action=view" in url and "scope=system" not in url


def test_the_report_picker_offers_only_the_users_scope(client, commune_officer, tree):
    client.force_login(commune_officer)
    html = client.get(reverse("reports:dashboard")).content.decode()
    url = re.search(r'hx-get="(/tim-kiem/to-chuc/\?[^"]*name=org&[^"]*)"', html).group(1).replace("&amp;", "&")
    mine = client.get(url + "&org_q=Chi bộ").content.decode()
    assert f'data-org-pick="{tree["cell_a1"].pk}"' in mine and f'data-org-pick="{tree["cell_b1"].pk}"' not in mine
    assert client.get(reverse("reports:dashboard"), {"org": tree["commune_b"].pk}).status_code == 404
