"""#15 rough edge: the navbar shows the person's name (family name first), not the login name."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_totp(settings):
    settings.OTP_REQUIRED = False  # this package's conftest turns TOTP on; the navbar is the subject here


def test_the_navbar_shows_the_persons_name_not_the_login_name(client, tree, django_user_model):
    user = django_user_model.objects.create_user("nmdinh", password="x", last_name="Nguyễn", first_name="Minh Định")
    RoleAssignment.objects.create(user=user, role=Role.OFFICER, org=tree["province"], valid_from=date(2015, 1, 1))
    client.force_login(user)
    html = client.get(reverse("orgs:org_tree")).content.decode()
    nav = html[html.index("<nav") : html.index("</nav>")]
    assert "Nguyễn Minh Định" in nav
    assert "nmdinh" not in nav


def test_the_navbar_shows_the_login_name_only_when_no_name_is_set(client, officer):
    client.force_login(officer)
    html = client.get(reverse("orgs:org_tree")).content.decode()
    assert "canbo_tinh" in html[html.index("<nav") : html.index("</nav>")]
