"""One search box over the registry: members by name (accents and one typo forgiven), citizen ID
or party card number, and organizations by name. Every read starts from access/scope.py.

Names: `Member.name_folded` holds the folded name ("Nguyễn Văn Ân" -> "nguyen van an",
core.text.fold). A query is folded the same way and matched word by word, in three passes:

1. exact: every query word is a whole word of the name;
2. prefix: the last word may be the beginning of a name word ("nguyen van an" -> "... anh");
3. typo: the last word may differ by one letter (Levenshtein distance 1: "nguyen van anh" -> "... an"),
   checked in Python over the candidates that match the other words (capped).

On PostgreSQL every pass is one scan of the GIN index over the words of the folded name
(`members_member_name_words_gin`, migration search 0002; PERFORMANCE.md: word tokens p95 21 ms
nationally where trigrams give 117 ms): the query words are looked up first in the small
vocabulary of name words (`search.NameWord`), which turns a prefix or a one-letter typo into the
whole words it stands for; then the members are `words @> {exact words} AND words && {expansions}`.
A word before the last one that is in no name at all (a typo, or a cut word) is replaced the
same way by the words one letter off it or starting with it; a last word in no name gets the
typo pass even when it is short. When nothing at all is found, an earlier word that is itself a
name word may be the typo ("nguyen ngo tam" for "Nguyễn Ngọc Tâm"): each one in turn is replaced
by the words one letter off it. On SQLite the passes are word-prefix LIKEs on
`name_folded` and the typo check runs in Python over the candidates (capped).

A user with a scope (an officer of one province, a cell secretary) searches the member search
terms instead (`search.MemberSearchTerms`, migration search 0005): name words, the organizations
of each member's whole history, and name words qualified by province, so one index scan returns
only candidates inside the scope (`{nguyen#7, van#7, an#7}` for the officer of province 7,
`{nguyen, van, an, #42}` for a commune). Before, the words matched every member of the country
with that name and each one was checked against the scope (p95 93-179 ms nationally for a
province officer). The exact scope check still follows.

PERFORMANCE.md lesson 4: names repeat (Nguyễn ≈ 38%), so nothing sorts every match: each pass
fetches at most RESULT_LIMIT + 1 rows unordered, the page sorts those, and when there are more the
result says so and asks for a second criterion (birth year, organization, admission year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import CharField, F, Func, Q, QuerySet
from django.db.models.functions import Length
from django.db.models.lookups import Lookup

from dangbo.access.policy import Root, own_member_ids, scope_members, scope_orgs, scope_roots
from dangbo.core.reference import label
from dangbo.core.text import fold, mask_citizen_id, nfc
from dangbo.members.models import Member
from dangbo.members.selectors import MemberFilters, member_list
from dangbo.orgs.models import OrgVersion
from dangbo.orgs.selectors import org_names_on
from dangbo.search.models import WORDS_SQL, MemberSearchTerms, NameWord, org_term, org_word_term

RESULT_LIMIT = 50
ORG_LIMIT = 20
TYPO_CANDIDATES = 20_000
TYPO_MIN_LENGTH = 3  # "an" -> "ban", "anh", "oan"... one letter off a two-letter word is noise
_WORD = re.compile(r"[a-z0-9]+")
_CARD = re.compile(r"^[0-9A-Za-z./-]{4,20}$")


@dataclass(frozen=True)
class SearchFilters:
    org_id: int | None = None  # subtree as of `at`
    status: str = ""  # "" = any status; "active" or a status code
    sex: str = ""
    ethnicity: str = ""
    age_band: str = ""
    admission_year: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.org_id or self.status or self.sex or self.ethnicity or self.age_band or self.admission_year)


@dataclass
class MemberHit:
    member: Member
    match: str  # "exact" | "prefix" | "typo" | "citizen_id" | "party_card"
    org_name: str = ""
    citizen_id: str = ""  # always masked (core.text.mask_citizen_id)


@dataclass
class OrgHit:
    org_id: int
    name: str
    type_label: str
    parent_name: str = ""


@dataclass
class SearchResult:
    query: str
    words: list[str] = field(default_factory=list)
    members: list[MemberHit] = field(default_factory=list)
    orgs: list[OrgHit] = field(default_factory=list)
    truncated: bool = False  # more members match than RESULT_LIMIT: ask for a second criterion

    @property
    def empty(self) -> bool:
        return not self.members and not self.orgs


def query_words(q: str) -> list[str]:
    """The folded words of a query ("Nguyễn  Văn-Ân" -> ["nguyen", "van", "an"])."""
    return _WORD.findall(fold(q))


def levenshtein_at_most_one(a: str, b: str) -> bool:
    """True when `a` and `b` differ by at most one insertion, deletion or substitution."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def _pg() -> bool:
    return connection.vendor == "postgresql"


class _Fold(Func):
    """PostgreSQL `dangbo_fold(name)`: IMMUTABLE lower(unaccent()), indexed on organization names
    (`orgs_orgversion_name_fold_trgm`, migration search 0002)."""

    function = "dangbo_fold"
    output_field = CharField()


class _NameWordsAll(Lookup):
    """PostgreSQL: the words of `name_folded` (as indexed by members_member_name_words_gin) contain
    every given word."""

    lookup_name = "dangbo_words_all"
    prepare_rhs = False
    operator = "@>"

    def as_sql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        return f"{WORDS_SQL % lhs} {self.operator} %s::text[]", [*params, sorted(self.rhs)]


class _NameWordsAny(_NameWordsAll):
    """... share at least one of the given words."""

    lookup_name = "dangbo_words_any"
    operator = "&&"


def _whole_word(word: str) -> Q:  # SQLite
    return (
        Q(name_folded=word)
        | Q(name_folded__startswith=f"{word} ")
        | Q(name_folded__endswith=f" {word}")
        | Q(name_folded__contains=f" {word} ")
    )


def _word_prefix(word: str) -> Q:  # SQLite
    return Q(name_folded__startswith=word) | Q(name_folded__contains=f" {word}")


def member_search_base(*, actor, at: date, filters: SearchFilters) -> QuerySet:
    """Members visible to `actor` that pass the filters (their state on `at`), unordered."""
    if filters.org_id or filters.status or filters.sex or filters.ethnicity or filters.age_band:
        qs = member_list(
            actor=actor,
            at=at,
            filters=MemberFilters(
                org_id=filters.org_id,
                status=filters.status or "all",
                sex=filters.sex,
                ethnicity=filters.ethnicity,
                age_band=filters.age_band,
            ),
        ).order_by()
    else:
        qs = scope_members(Member.objects.all(), actor)
    if filters.admission_year:
        y = filters.admission_year
        qs = qs.filter(admitted_on__gte=date(y, 1, 1), admitted_on__lte=date(y, 12, 31))
    return qs


def _take(qs: QuerySet, n: int) -> list[Member]:
    return list(qs.order_by()[:n])


def _vocabulary(words: list[str]) -> set[str]:
    """Name words that may stand for the query words: the same length ±1 (typos) or starting with
    the last word (prefix). The vocabulary is small (a few thousand words nationally)."""
    lengths = [len(w) for w in words]
    return set(
        NameWord.objects.annotate(n=Length("word"))
        .filter(Q(word__startswith=words[-1]) | Q(n__gte=min(lengths) - 1, n__lte=max(lengths) + 1))
        .values_list("word", flat=True)
    )


def _typos(word: str, vocab: set[str]) -> set[str]:
    return {w for w in vocab if w != word and levenshtein_at_most_one(word, w) and not w.startswith(word)}


@dataclass(frozen=True)
class _Prefilter:
    """What a scoped search asks of the member search terms (search.models.MemberSearchTerms) in
    the same index scan as the name words. `roots`: the roots of the user's scope
    (access.scope.scope_roots; None: everywhere). `org_id`: the organization filter. `own`:
    member-role profiles outside the roots (Scope.member_ids). A prefilter only: the exact scope
    and filter conditions stay on the member query."""

    roots: frozenset[Root] | None = None
    org_id: int | None = None
    own: frozenset[int] = frozenset()

    @property
    def active(self) -> bool:
        return self.roots is not None or self.org_id is not None


def _prefilter(actor, filters: SearchFilters) -> _Prefilter:
    roots = scope_roots(actor)
    return _Prefilter(
        roots=roots, org_id=filters.org_id, own=own_member_ids(actor) if roots is not None else frozenset()
    )


def _term_condition(all_of: set[str], any_of: list[set[str]]) -> Q:
    q = Q(terms__all=all_of) if all_of else Q()
    for words in any_of:
        q &= Q(terms__any=words)
    return q


def _matching(qs: QuerySet, all_of: set[str], any_of: list[set[str]], pre: _Prefilter) -> QuerySet:
    """`qs` restricted to members whose name has every word of `all_of` and one word of each set of
    `any_of` (PostgreSQL, one GIN scan per branch). Unscoped: the word index on members. Scoped:
    the member search terms, where each root of the scope is one branch: words qualified by a
    top-level root (`nguyen#7`: the province's share of a common word), or the plain words with
    the root's term (`#42`: a commune, a cell). With an organization filter, its term alone."""
    if not pre.active:
        if all_of:
            qs = qs.filter(_NameWordsAll(F("name_folded"), all_of))
        for words in any_of:
            qs = qs.filter(_NameWordsAny(F("name_folded"), words))
        return qs
    if pre.org_id is not None:
        branches = [_term_condition(all_of | {org_term(pre.org_id)}, any_of)]
    else:
        branches = []
        for root in sorted(pre.roots, key=lambda r: r.org_id):
            if root.top and (all_of or any_of):
                branches.append(
                    _term_condition(
                        {org_word_term(w, root.org_id) for w in all_of},
                        [{org_word_term(w, root.org_id) for w in s} for s in any_of],
                    )
                )
            else:
                branches.append(_term_condition(all_of | {org_term(root.org_id)}, any_of))
        if pre.own:
            branches.append(Q(member_id__in=pre.own) & _term_condition(all_of, any_of))
    if not branches:
        return qs.none()
    either = branches[0]
    for q in branches[1:]:
        either |= q
    return qs.filter(pk__in=MemberSearchTerms.objects.filter(either).values("member_id"))


def _pg_name_hits(
    base: QuerySet, words: list[str], limit: int, *, pre: _Prefilter, everywhere: bool = False
) -> tuple[list[tuple[Member, str]], bool]:
    vocab = _vocabulary(words)
    head, last = list(dict.fromkeys(words[:-1])), words[-1]
    required = {w for w in head if w in vocab}
    head_any: list[set[str]] = []
    for w in head:
        if w not in vocab:  # in no name: a typo or a cut word ("min" for "minh"), or nothing to find
            near = {v for v in vocab if v.startswith(w) or levenshtein_at_most_one(w, v)}
            if not near:
                return [], False
            head_any.append(near)
    found: list[tuple[Member, str]] = []
    seen: set[int] = set()
    truncated = False
    if everywhere and len(words) > 1 and last in vocab and set(head) <= vocab:
        # The usual query is the whole name in order: equal folded names come first, from the
        # btree on name_folded. Common names ("tran thi hoa": ~6 400 nationally) stop here, before
        # the word index has to intersect the long lists of "thi", "van", "nguyen". Only without
        # a scope filter: for an officer most equal names nationally are out of scope.
        rows = _take(base.filter(name_folded=" ".join(words)), limit + 1)
        truncated = len(rows) > limit
        for m in sorted(rows[:limit], key=lambda m: m.pk):
            found.append((m, "exact"))
            seen.add(m.pk)
        if truncated:
            return found, True
    passes = [
        ("exact", {last} & vocab, True),
        ("prefix", {w for w in vocab if w.startswith(last) and w != last}, False),
    ]
    if len(last) >= TYPO_MIN_LENGTH or last not in vocab:  # "ve" is in no name: one letter off ("vy")
        passes.append(("typo", _typos(last, vocab), False))
    for kind, expansion, all_of in passes:
        if not expansion:
            continue
        room = limit - len(found)
        if all_of:
            qs = _matching(base, required | expansion, head_any, pre)
        else:
            qs = _matching(base, required, [*head_any, expansion], pre)
        if seen:
            qs = qs.exclude(pk__in=seen)
        rows = _take(qs, room + 1)
        if len(rows) > room:
            truncated = True
        for m in sorted(rows[:room], key=lambda m: (m.name_folded, m.pk)):
            found.append((m, kind))
            seen.add(m.pk)
        if truncated:
            break
    if not found and last in vocab:
        # Nothing at all: an earlier word may be a typo that is itself a name word ("nguyen ngo
        # tam" for "Nguyễn Ngọc Tâm"). One such word at a time is one letter off.
        for w in [w for w in required if len(w) >= TYPO_MIN_LENGTH]:
            near = {v for v in vocab if v != w and levenshtein_at_most_one(w, v)}
            if not near:
                continue
            room = limit - len(found)
            qs = _matching(base, (required - {w}) | {last}, [*head_any, near], pre)
            rows = _take(qs.exclude(pk__in=seen), room + 1) if seen else _take(qs, room + 1)
            truncated = len(rows) > room
            for m in sorted(rows[:room], key=lambda m: (m.name_folded, m.pk)):
                found.append((m, "typo"))
                seen.add(m.pk)
            if truncated:
                break
    order = {"exact": 0, "prefix": 1, "typo": 2}
    found.sort(key=lambda h: (order[h[1]], h[0].name_folded, h[0].pk))
    return found, truncated


def _name_hits(
    base: QuerySet, words: list[str], limit: int, *, pre: _Prefilter, everywhere: bool = False
) -> tuple[list[tuple[Member, str]], bool]:
    if _pg():
        return _pg_name_hits(base, words, limit, pre=pre, everywhere=everywhere)
    found: list[tuple[Member, str]] = []
    seen: set[int] = set()
    head, last = words[:-1], words[-1]
    same_head = base
    for w in head:
        same_head = same_head.filter(_whole_word(w))

    exact = _take(same_head.filter(_whole_word(last)), limit + 1)
    truncated = len(exact) > limit
    for m in sorted(exact[:limit], key=lambda m: (m.name_folded, m.pk)):
        found.append((m, "exact"))
        seen.add(m.pk)
    if truncated:
        return found, True

    room = limit - len(found)
    prefix = [m for m in _take(same_head.filter(_word_prefix(last)).exclude(pk__in=seen), room + 1)]
    if len(prefix) > room:
        truncated = True
    for m in sorted(prefix[:room], key=lambda m: (m.name_folded, m.pk)):
        found.append((m, "prefix"))
        seen.add(m.pk)
    if truncated or len(last) < TYPO_MIN_LENGTH:
        return found, truncated

    # Typo on the last word: candidates share the other words (or, for one word, look alike).
    if head:
        candidates = same_head
    else:
        candidates = base.filter(_word_prefix(last[:2]) if len(last) > 2 else _word_prefix(last[:1]))
    rows = list(candidates.exclude(pk__in=seen).order_by().values_list("pk", "name_folded")[:TYPO_CANDIDATES])
    if len(rows) >= TYPO_CANDIDATES:
        truncated = True
    head_set = set(head)
    typo_ids: list[int] = []
    for pk, name in rows:
        name_words = name.split()
        rest = [w for w in name_words if w not in head_set] or name_words
        if any(levenshtein_at_most_one(last, w) and not w.startswith(last) for w in rest):
            typo_ids.append(pk)
    room = limit - len(found)
    if len(typo_ids) > room:
        truncated = True
    for m in sorted(Member.objects.filter(pk__in=typo_ids[:room]), key=lambda m: (m.name_folded, m.pk)):
        found.append((m, "typo"))
        seen.add(m.pk)
    if found or not head:
        return found, truncated
    # Nothing yet: the typo may be in an earlier word ("nguyen vam thanh"). One word at a time is
    # one letter off; the candidates have every other word whole.
    for i, word in enumerate(head):
        if len(word) < TYPO_MIN_LENGTH:
            continue
        others = [w for j, w in enumerate(words) if j != i]
        candidates = base
        for w in others:
            candidates = candidates.filter(_whole_word(w))
        rows = list(candidates.exclude(pk__in=seen).order_by().values_list("pk", "name_folded")[:TYPO_CANDIDATES])
        rest_of = set(others)
        ids = [
            pk
            for pk, name in rows
            if any(levenshtein_at_most_one(word, w) and w != word for w in name.split() if w not in rest_of)
        ]
        room = limit - len(found)
        truncated = truncated or len(ids) > room
        for m in sorted(Member.objects.filter(pk__in=ids[:room]), key=lambda m: (m.name_folded, m.pk)):
            found.append((m, "typo"))
            seen.add(m.pk)
        if len(found) >= limit:
            break
    return found, truncated


def _closeness(member: Member, q: str, folded: str) -> int:
    """0: the name as typed, diacritics included; 1: the same words in the same order without
    diacritics; 2: the same words in another order (or a prefix, a typo)."""
    if nfc(member.full_name).lower() == q:
        return 0
    return 1 if member.name_folded == folded else 2


def _id_hits(actor, base: QuerySet, q: str) -> list[tuple[Member, str]]:
    compact = re.sub(r"\s+", "", q)
    hits: list[tuple[Member, str]] = []
    if compact.isdigit() and len(compact) == 12:
        # Finding a person by citizen ID is a personal-data read: only where the actor may see it.
        personal = scope_members(base, actor, action="view_personal")
        hits += [(m, "citizen_id") for m in personal.filter(citizen_id=compact)[:1]]
    if _CARD.match(compact) and any(ch.isdigit() for ch in compact):  # card numbers have digits
        # Card numbers are stored as written (upper case); equality keeps the unique index usable.
        hits += [
            (m, "party_card")
            for m in base.filter(party_card_number__in={compact, compact.upper()})[:1]
            if all(m.pk != h.pk for h, _ in hits)
        ]
    return hits


def org_search(
    *,
    actor,
    q: str,
    at: date,
    limit: int = ORG_LIMIT,
    action: str = "view",
    types: tuple[str, ...] = (),
    everywhere: bool = False,
) -> list[OrgHit]:
    """Organizations where `actor` may do `action` (of `types` when given) whose name on `at` has
    a word starting with each query word (accents and case ignored), with their parent's name.
    `everywhere`: any organization of the system below the root (a transfer's destination): only
    names and parents are returned, which every signed-in officer may know."""
    words = query_words(q)
    if not words:
        return []
    if everywhere:
        versions = OrgVersion.objects.valid_on(at).exclude(depth=0)
    else:
        versions = scope_orgs(OrgVersion.objects.valid_on(at), actor, field="org_id", action=action)
    if types:
        versions = versions.filter(org_type__in=types)
    if _pg():
        # LIKE '%word%' lets the trigram index on dangbo_fold(name) pick the candidates (words of
        # three letters or more); the regular expression keeps the word-start meaning. Unordered
        # with a LIMIT, sorted here (like members: "chi bo" matches most of 330 000 versions).
        qs = versions.annotate(folded=_Fold("name"))
        for w in words:
            if len(w) >= 3:
                qs = qs.filter(folded__contains=w)
            qs = qs.filter(folded__regex=rf"\m{w}")
        rows = sorted(
            qs.order_by().values_list("org_id", "name", "org_type", "path", "parent_id")[:limit], key=lambda r: r[3]
        )
    else:
        rows = []
        for row in versions.order_by("path").values_list("org_id", "name", "org_type", "path", "parent_id").iterator():
            name_words = query_words(row[1])
            if all(any(nw.startswith(w) for nw in name_words) for w in words):
                rows.append(row)
                if len(rows) >= limit:
                    break
    parents = org_names_on(keys=[(r[4], at) for r in rows if r[4]])
    return [
        OrgHit(org_id, name, label("org_types", org_type), parents.get((parent_id, at), "") if parent_id else "")
        for org_id, name, org_type, _path, parent_id in rows
    ]


def search(*, actor, q: str, at: date, filters: SearchFilters | None = None, limit: int = RESULT_LIMIT) -> SearchResult:
    """Members and organizations for the search box (see the module docstring)."""
    filters = filters or SearchFilters()
    q = (q or "").strip()[:120]
    result = SearchResult(query=q, words=query_words(q))
    if not q and not filters.any:
        return result
    base = member_search_base(actor=actor, at=at, filters=filters)
    hits: list[tuple[Member, str]] = _id_hits(actor, base, q) if q else []
    if not hits and result.words:
        pre = _prefilter(actor, filters)
        everywhere = not filters.any and pre.roots is None
        hits, result.truncated = _name_hits(base, result.words, limit, pre=pre, everywhere=everywhere)
    elif not q:
        members = _take(base, limit + 1)
        result.truncated = len(members) > limit
        hits = [(m, "filter") for m in sorted(members[:limit], key=lambda m: (m.name_folded, m.pk))]
    if result.words:
        # "Nguyễn Văn Thành" typed with its diacritics comes before "Nguyễn Thanh Vân" (the same
        # folded words): each kind of match in turn, the closest spelling first (stable sort).
        order = {"citizen_id": 0, "party_card": 0, "exact": 1, "prefix": 2, "typo": 3, "filter": 4}
        typed, folded = nfc(q).lower(), " ".join(result.words)
        hits.sort(key=lambda h: (order.get(h[1], 5), _closeness(h[0], typed, folded)))
    names = org_names_on(keys=[(m.current_org_id, at) for m, _ in hits if m.current_org_id])
    for m, kind in hits:
        # Masked for everyone (the full number is shown on the dossier, on request and audited).
        result.members.append(
            MemberHit(
                member=m,
                match=kind,
                org_name=names.get((m.current_org_id, at), ""),
                citizen_id=mask_citizen_id(m.citizen_id),
            )
        )
    if q and not filters.any:
        result.orgs = org_search(actor=actor, q=q, at=at)
    return result
