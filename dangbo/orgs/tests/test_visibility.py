"""The orgs app asks the access policy which organizations an actor sees through `orgs.visibility`."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from dangbo.access import policy
from dangbo.orgs import visibility


def test_access_registers_its_policy_as_the_organization_scope():
    assert visibility._scope_orgs is policy.scope_orgs


def test_an_unregistered_scope_is_refused_not_open(monkeypatch):
    monkeypatch.setattr(visibility, "_scope_orgs", None)
    with pytest.raises(ImproperlyConfigured):
        visibility.scope_orgs(None, None)
