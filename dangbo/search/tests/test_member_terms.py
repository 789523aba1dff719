"""Member search terms: the scoped search asks one index for the name words and the organization
terms of the scope (search.models.MemberSearchTerms, access.scope.scope_roots). The one thing
that must never happen: a member in the user's scope missing from their search because a term is
missing. The first test checks exactly that, user by user and member by member, after a history
of moves, a merger, transfers and a rename; it runs on both databases (SQLite has no prefilter,
so there it pins the behaviour the PostgreSQL path must keep)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from dangbo.access.models import Role, RoleAssignment
from dangbo.access.policy import scope_members
from dangbo.access.scope import Root, scope_roots
from dangbo.members.models import EventType as E
from dangbo.members.models import Member
from dangbo.members.selectors import data_issues
from dangbo.members.services import EventInput, ProfileInput, member_admit, member_record_event, member_update_profile
from dangbo.orgs.services import org_establish, org_merge, org_move
from dangbo.search.models import (
    MemberSearchTerms,
    member_terms_missing,
    org_term,
    org_word_term,
    refresh_member_terms,
)
from dangbo.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db
pg_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="member search terms: PostgreSQL")
START = date(2015, 1, 1)
AT = date(2026, 3, 1)


def admit(actor, cell, name, born=1980, on=date(2019, 3, 4)):
    return member_admit(
        actor=actor,
        cell=cell,
        decided_on=on,
        ceremony_on=on.replace(day=18),
        profile=ProfileInput(full_name=name, birth_year=born, sex="M"),
    )


def record(actor, member, type_, on, **kw):
    return member_record_event(actor=actor, member=member, data=EventInput(type=type_, on=on, **kw))


def terms_of(member) -> set[str]:
    return set(MemberSearchTerms.objects.get(member=member).terms)


@pytest.fixture
def history(tree, system_user, django_user_model):
    """Two provinces. Commune B moves to province 2 in 2023; a second commune of province 2 is
    merged into commune A in 2024; members transfer between provinces and one is renamed."""
    mk = lambda code, name, kind, parent, on=START: org_establish(  # noqa: E731
        actor=system_user, code=code, name=name, org_type=kind, parent=parent, on=on
    )
    p2 = mk("T02", "Đảng bộ tỉnh Thứ Hai", "provincial_party_org", None)
    c2 = mk("T02-X01", "Đảng bộ xã Hòa Hợp", "commune_party_org", p2)
    cell_c2 = mk("T02-X01-C01", "Chi bộ thôn Hòa", "subordinate_cell", c2)
    people = {
        "a1": admit(system_user, tree["cell_a1"], "Nguyễn Văn An"),
        "a2": admit(system_user, tree["cell_a2"], "Nguyễn Văn An", born=1990),
        "b1": admit(system_user, tree["cell_b1"], "Nguyễn Văn An", born=1975),
        "c2": admit(system_user, cell_c2, "Nguyễn Văn An", born=1968),
        "mover": admit(system_user, tree["cell_a1"], "Trần Thị Bình"),
        "renamed": admit(system_user, cell_c2, "Lê Văn Cường"),
    }
    org_move(actor=system_user, org=tree["commune_b"], new_parent=p2, on=date(2023, 1, 1))
    org_merge(actor=system_user, sources=[c2], target=tree["commune_a"], on=date(2024, 1, 1))
    record(
        system_user,
        people["mover"],
        E.OFFICIAL_TRANSFER_OUT,
        date(2025, 2, 3),
        org=tree["cell_a1"],
        counterpart_org=tree["cell_b1"],
    )
    record(system_user, people["mover"], E.OFFICIAL_TRANSFER_IN, date(2025, 2, 10), org=tree["cell_b1"])
    member_update_profile(
        actor=system_user,
        member=people["renamed"],
        on=date(2025, 6, 1),
        profile=ProfileInput(full_name="Lê Văn Cường Thịnh", birth_year=1980, sex="M"),
    )

    def officer(username, org):
        user = django_user_model.objects.create_user(username, password="Kiemthu@2026x")
        RoleAssignment.objects.create(user=user, role=Role.OFFICER, org=org, valid_from=START)
        return user

    users = {
        "province1": officer("tinh_1", tree["province"]),
        "province2": officer("tinh_2", p2),
        "commune_a": officer("xa_a", tree["commune_a"]),
        "commune_b": officer("xa_b", tree["commune_b"]),
        "cell_b1": officer("chibo_b1", tree["cell_b1"]),
    }
    member_user = django_user_model.objects.create_user("dang_vien", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=member_user, role=Role.MEMBER, member=people["c2"], valid_from=START)
    users["member"] = member_user
    return {"p2": p2, "c2": c2, "people": people, "users": users}


def test_no_member_in_scope_is_missing_from_a_search_by_name(history):
    """For each user and each member: a search by the member's name (as written, folded, and with
    a typo in a last word of four letters or more) finds them exactly when the scope holds them."""
    members = list(Member.objects.order_by("pk"))
    for key, user in history["users"].items():
        visible = set(scope_members(Member.objects.all(), user).values_list("pk", flat=True))
        assert visible, key
        for m in members:
            queries = [m.full_name, m.name_folded]
            if len(m.name_folded.split()[-1]) >= 4:  # "cuong" -> "cuonx", "binh" -> "binx"
                queries.append(m.name_folded[:-1] + "x")
            for q in queries:
                found = {h.member.pk for h in search(actor=user, q=q, at=AT).members}
                assert (m.pk in found) == (m.pk in visible), (key, m.full_name, q)


def test_scope_roots_are_the_assigned_organizations_and_the_predecessors_they_absorbed(history, tree, admin_user):
    users = history["users"]
    assert scope_roots(users["commune_a"]) == {Root(tree["commune_a"].pk), Root(history["c2"].pk)}
    # a province is top-level in every version: its officer's search reads province-qualified words
    assert scope_roots(users["province2"]) == {Root(history["p2"].pk, top=True)}
    assert scope_roots(users["member"]) == frozenset()
    assert scope_roots(admin_user) is None


def test_the_organization_filter_combines_with_the_scope(history, tree):
    user = history["users"]["province1"]
    people = history["people"]
    found = {
        h.member.pk
        for h in search(
            actor=user, q="nguyen van an", at=AT, filters=SearchFilters(org_id=tree["commune_a"].pk)
        ).members
    }
    # commune A on AT: its own cells and the absorbed commune's member
    assert found == {people["a1"].pk, people["a2"].pk, people["c2"].pk}


@pg_only
def test_terms_hold_the_name_words_and_every_organization_of_the_history(history, tree):
    people, p2 = history["people"], history["p2"]
    b1 = terms_of(people["b1"])
    assert {"nguyen", "van", "an"} <= b1
    # commune B moved from province 1 (via the district) to province 2: both histories
    assert {org_term(o.pk) for o in (tree["province"], tree["district"], tree["commune_b"], tree["cell_b1"], p2)} <= b1
    # the merged commune's member: old province, and the absorbing commune's line
    assert {org_term(o.pk) for o in (p2, history["c2"], tree["commune_a"], tree["province"])} <= terms_of(people["c2"])
    # transferred into commune B (province 2 by then)
    assert {org_term(p2.pk), org_term(tree["cell_b1"].pk)} <= terms_of(people["mover"])
    # name words qualified by each province of the history
    assert {org_word_term(w, p.pk) for w in ("nguyen", "van", "an") for p in (tree["province"], p2)} <= b1
    assert org_word_term("an", p2.pk) not in terms_of(people["a1"])  # never in province 2
    renamed = terms_of(people["renamed"])
    assert {"le", "van", "cuong", "thinh", org_word_term("thinh", tree["province"].pk)} <= renamed
    assert member_terms_missing() == []


@pg_only
def test_a_rename_drops_the_old_words(history, system_user):
    m = history["people"]["renamed"]
    member_update_profile(
        actor=system_user,
        member=m,
        on=date(2025, 9, 1),
        profile=ProfileInput(full_name="Lê Thịnh", birth_year=1980, sex="M"),
    )
    terms = terms_of(m)
    assert {"le", "thinh"} <= terms and not {"van", "cuong"} & terms
    assert not any(t.startswith(("van#", "cuong#")) for t in terms)
    assert org_term(history["c2"].pk) in terms  # organization terms kept


@pg_only
def test_a_voided_transfer_takes_its_organizations_out_of_the_terms(history, system_user, tree):
    from dangbo.members.services import event_correct

    mover = history["people"]["mover"]
    assert org_term(history["p2"].pk) in terms_of(mover)
    for ev in mover.events.filter(type__in=[E.OFFICIAL_TRANSFER_IN, E.OFFICIAL_TRANSFER_OUT]).order_by("-on"):
        event_correct(actor=system_user, event=ev, reason="Ghi nhầm")
    terms = terms_of(mover)
    assert org_term(history["p2"].pk) not in terms and org_term(tree["cell_b1"].pk) not in terms
    assert org_term(tree["cell_a1"].pk) in terms


@pg_only
def test_missing_terms_are_reported_by_check_data_and_repaired_by_the_rebuild(history):
    m = history["people"]["a1"]
    MemberSearchTerms.objects.filter(member=m).update(terms=["nguyen", "van", "an"])  # organization terms lost
    assert member_terms_missing() == [m.pk]
    issues = [i for i in data_issues(today=AT) if i.kind == "search_terms_missing"]
    assert [i.member_id for i in issues] == [m.pk]
    assert "dangbo rebuild-search-index" in issues[0].message
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Đã tính lại chỉ mục tìm kiếm" in out.getvalue()
    assert member_terms_missing() == []
    assert MemberSearchTerms.objects.count() == Member.objects.count()


@pg_only
def test_the_rebuild_gives_what_the_triggers_kept(history):
    kept = dict(MemberSearchTerms.objects.values_list("member_id", "terms"))
    assert refresh_member_terms() == Member.objects.count()
    rebuilt = dict(MemberSearchTerms.objects.values_list("member_id", "terms"))
    assert rebuilt == kept


@pg_only
def test_the_term_conditions_are_served_by_the_terms_index(history):
    """The conditions the selector writes (@> and && on the terms) must be ones the GIN index
    serves, or a scoped search silently reads the whole table (the bench shows the plan at scale)."""
    p2 = history["p2"].pk
    qs = MemberSearchTerms.objects.filter(terms__all={org_word_term("nguyen", p2)}).filter(terms__any={"an"})
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as c:
        c.execute("SET LOCAL enable_seqscan = off")  # a tiny test table must not hide a mismatch
        c.execute("SET LOCAL enable_indexscan = off")  # (nor a scan of the primary key filtering every row)
        c.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in c.fetchall())
    assert "search_membersearchterms_terms_gin" in plan, plan
    assert set(qs.values_list("member_id", flat=True)) == {history["people"][k].pk for k in ("b1", "c2")}
