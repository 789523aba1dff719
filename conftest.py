"""Shared fixtures: a small synthetic tree and one persona per role (healthchecks style).

Tree (all from 01/01/2015):
  Đảng bộ tỉnh Thử Nghiệm (province)
  └── Đảng bộ huyện Sông Xanh (district; ends 30/06/2025 in tests that need it)
      ├── Đảng bộ xã An Bình (commune)        ├── Chi bộ thôn 1 (cell_a1), Chi bộ thôn 2 (cell_a2)
      └── Đảng bộ xã Bình Minh (commune)      └── Chi bộ thôn Đông (cell_b1)

Members and accounts (the factories of tests/factories.py): `admit(cell, name)` admits a member
through the service, `members_a1` are four members of cell A1, `secretary` (alias
`secretary_a1`) and `secretary_b1` the cell secretaries, `member_user` the member-role account
of the first member of cell A1.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from dangbo.access.models import Role
from tests.factories import MemberFactory, OrganizationFactory, UserFactory, secretary_of

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background tasks (django.tasks) run inside the caller in tests, so the suite stays
    deterministic; dangbo/jobs/tests run the database backend with its worker in-process."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.AUDIT_READS_STAGED = False  # each read chained at once (the staging has its own tests)


@pytest.fixture
def system_user(django_user_model):
    """The account that builds fixtures: an administrator of the whole system, so that the
    "who may record what" check of members.services lets it record anything."""
    return UserFactory(username="he_thong", role=Role.ADMIN)


@pytest.fixture
def tree(db, system_user):
    def mk(code, name, org_type, parent=None):
        return OrganizationFactory(actor=system_user, code=code, name=name, org_type=org_type, parent=parent)

    t = {}
    t["province"] = mk("T01", "Đảng bộ tỉnh Thử Nghiệm", "provincial_party_org")
    t["district"] = mk("T01-H01", "Đảng bộ huyện Sông Xanh", "district_party_org", t["province"])
    t["commune_a"] = mk("T01-X01", "Đảng bộ xã An Bình", "commune_party_org", t["district"])
    t["commune_b"] = mk("T01-X02", "Đảng bộ xã Bình Minh", "commune_party_org", t["district"])
    t["cell_a1"] = mk("T01-X01-C01", "Chi bộ thôn 1", "subordinate_cell", t["commune_a"])
    t["cell_a2"] = mk("T01-X01-C02", "Chi bộ thôn 2", "subordinate_cell", t["commune_a"])
    t["cell_b1"] = mk("T01-X02-C01", "Chi bộ thôn Đông", "subordinate_cell", t["commune_b"])
    return t


def _persona(django_user_model, username, role, org=None, member=None):
    return UserFactory(username=username, role=role, org=org, member=member)


@pytest.fixture
def admin_user(django_user_model, tree):
    return _persona(django_user_model, "quantri", Role.ADMIN)


@pytest.fixture
def officer(django_user_model, tree):
    """Officer of the province organization commission: the whole province."""
    return _persona(django_user_model, "canbo_tinh", Role.OFFICER, tree["province"])


@pytest.fixture
def commune_officer(django_user_model, tree):
    """Officer of commune A: sees commune A only."""
    return _persona(django_user_model, "canbo_xa_a", Role.OFFICER, tree["commune_a"])


@pytest.fixture
def outsider(django_user_model, tree):
    """Officer of commune B: must not see anything of commune A."""
    return _persona(django_user_model, "canbo_xa_b", Role.OFFICER, tree["commune_b"])


@pytest.fixture
def leader(django_user_model, tree):
    return _persona(django_user_model, "lanh_dao", Role.LEADER, tree["province"])


@pytest.fixture
def admit(system_user):
    """`admit(cell, name, *, ceremony=02/03/2020, born=1985)`: a member admitted through the
    service (decision and ceremony on `ceremony`)."""

    def _admit(cell, name, *, ceremony=date(2020, 3, 2), born=1985):
        return MemberFactory(
            actor=system_user, cell=cell, full_name=name, birth_year=born, decided_on=ceremony, ceremony_on=ceremony
        )

    return _admit


@pytest.fixture
def members_a1(tree, admit):
    """Four members of cell A1 (NAMES)."""
    return [admit(tree["cell_a1"], n) for n in NAMES]


@pytest.fixture
def secretary(tree):
    """The secretary of cell A1 (from 01/01/2020)."""
    return secretary_of(tree["cell_a1"], "bithu_a1")


@pytest.fixture
def secretary_a1(secretary):
    return secretary


@pytest.fixture
def secretary_b1(tree):
    """The secretary of cell B1 (from 01/01/2020)."""
    return secretary_of(tree["cell_b1"], "bithu_b1")


@pytest.fixture
def member_user(members_a1):
    """The member-role account of the first member of cell A1."""
    return UserFactory(username="dangvien_an", role=Role.MEMBER, member=members_a1[0], valid_from=date(2020, 1, 1))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many accounts; a fast hasher keeps the suite quick (tests only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _otp_not_required(settings):
    """Most tests sign in with `force_login`; TOTP enforcement is tested in dangbo/access/tests
    (which set OTP_REQUIRED back to True)."""
    settings.OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """The per-process caches kept under data stamps (scopes, cached users and OTP checks, list and
    navbar counts) start empty in each test: a test's rows are rolled back (and SQLite reuses
    their ids), so nothing cached under them may answer the next test, and every query-count test
    measures from the same cold start whatever ran before it in the worker."""
    from dangbo.access import scope
    from dangbo.access.middleware import CachedAuthenticationMiddleware, CachedOTPMiddleware
    from dangbo.members import selectors as member_selectors
    from dangbo.notifications import selectors as notification_selectors

    for cache in (
        scope._cache,
        CachedAuthenticationMiddleware._users,
        CachedOTPMiddleware._verified,
        member_selectors._count_cache,
        notification_selectors._count_cache,
    ):
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_rule_parameters(monkeypatch):
    """Rule-parameter overrides are cached per process (core/rules.py); a test's rows are rolled
    back, so the cache must not outlive the test. Within a test the cache does not expire: its
    60 s lifetime (for the other processes' writes; this process's writes clear it by signal)
    made query-count tests count one more read whenever a slow test crossed the minute."""
    from dangbo.core import rules

    monkeypatch.setattr(rules, "_OVERRIDE_TTL_SECONDS", float("inf"))
    rules.clear_cache()
    yield
    rules.clear_cache()


@pytest.fixture(autouse=True)
def _audit_checkpoints_per_test(settings, tmp_path_factory):
    """Each test has its own audit checkpoint file and key (the test databases are per worker and
    rolled back per test; a shared var/ file would hold checkpoints of other databases), and its
    own cache of import rows."""
    base = tmp_path_factory.getbasetemp()
    token = uuid.uuid4().hex
    settings.AUDIT_CHECKPOINT_FILE = base / f"audit-checkpoints-{token}.jsonl"
    settings.AUDIT_CHECKPOINT_KEY = ""
    settings.AUDIT_CHECKPOINT_KEY_FILE = base / f"audit-checkpoint-{token}.key"
    settings.DANGBO_IMPORT_ROWS_DIR = base / f"import-rows-{token}"  # no rows cached across tests


@pytest.fixture(autouse=True)
def _job_progress_per_test(settings, tmp_path_factory):
    """Each test has its own folder of job progress side files (core.jobs): rolled-back tests reuse
    primary keys, and a file left by another test's job must not show up as a running job's progress."""
    settings.DANGBO_JOB_PROGRESS_DIR = tmp_path_factory.getbasetemp() / f"job-progress-{uuid.uuid4().hex}"
