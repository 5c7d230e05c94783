"""Psychotherapy billing codes that follow from what happened at a session (DOMAIN.md "Billing").

Hearth suggests; the clinician confirms or changes. The suggestion reads the case kind, the
session's length, the service's own code (evaluation and crisis work have theirs) and the
attendance recorded per participant. Consultation and workshop work carries no such codes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from core.domain.cases.case import Membership
from core.domain.cases.kinds import CaseKind, MemberRole, RecordType, policy
from core.domain.shared.codes import CodeLine
from core.domain.shared.values import PersonId

EVALUATION = "90791"
CRISIS = ("90839", "90840")
# Individual psychotherapy by length: (least minutes, code), longest first.
_BY_LENGTH = ((53, "90837"), (38, "90834"), (16, "90832"))
# Family and couple codes describe a session of at least 26 minutes.
_FAMILY_MINIMUM = 26
# Roles that make someone the identified client when nobody is marked as such: both partners of
# a couple (the relationship is the client), the child of a parent-child dyad.
_CLIENT_ROLES = (MemberRole.IDENTIFIED_CLIENT, MemberRole.CLIENT)
_FALLBACK_CLIENT_ROLES = (MemberRole.PARTNER, MemberRole.CHILD)


@dataclass(frozen=True, slots=True)
class CodeSuggestion:
    lines: tuple[CodeLine, ...]
    reason: str  # why, in words the clinician can check


def by_length(minutes: int) -> str | None:
    return next((code for least, code in _BY_LENGTH if minutes >= least), None)


def crisis_lines(minutes: int) -> tuple[CodeLine, ...]:
    """90839 covers 30-74 minutes; each further 30 minutes (75-104, 105-134, ...) adds 90840."""
    extra = 0 if minutes < 75 else (minutes - 75) // 30 + 1
    first = (CodeLine("90839"),)
    return first + ((CodeLine("90840", units=extra),) if extra else ())


def identified_clients(expected: Sequence[Membership]) -> set[PersonId]:
    for roles in (_CLIENT_ROLES, _FALLBACK_CLIENT_ROLES):
        found = {m.person_id for m in expected if m.role in roles}
        if found:
            return found
    return set()


def suggest_codes(
    *,
    kind: CaseKind,
    service_code: str | None,
    minutes: int,
    expected: Sequence[Membership],
    attended_ids: Collection[PersonId],
) -> CodeSuggestion:
    """The codes a session earns, from the case kind, its length and who of the expected
    participants attended."""
    if not policy(kind).allows(RecordType.BILLING_CODE):
        return CodeSuggestion((), f"A {policy(kind).label} case carries no billing code.")
    attended = [m for m in expected if m.person_id in attended_ids]
    if not attended:
        return CodeSuggestion((), "Nobody attended (yet): nothing to bill.")
    if service_code == EVALUATION:
        return CodeSuggestion((CodeLine(EVALUATION),), "Diagnostic evaluation.")
    # Under 30 minutes crisis work is billed as ordinary psychotherapy by length.
    if service_code in CRISIS and minutes >= 30:
        return CodeSuggestion(crisis_lines(minutes), f"Crisis session of {minutes} minutes.")
    if kind is CaseKind.GROUP:
        return CodeSuggestion(
            tuple(CodeLine("90853", person_id=m.person_id) for m in attended),
            f"Group session: one 90853 per attending member ({len(attended)}).",
        )
    if kind in (CaseKind.COUPLE, CaseKind.FAMILY):
        if minutes < _FAMILY_MINIMUM:
            return CodeSuggestion((), f"A {kind.value} session needs {_FAMILY_MINIMUM} minutes.")
        present = identified_clients(expected) & {m.person_id for m in attended}
        if present:
            return CodeSuggestion((CodeLine("90847"),), "The identified client attended.")
        return CodeSuggestion((CodeLine("90846"),), "The identified client did not attend.")
    code = by_length(minutes)
    if code is None:
        return CodeSuggestion((), "Sessions under 16 minutes carry no psychotherapy code.")
    return CodeSuggestion((CodeLine(code),), f"Individual session of {minutes} minutes.")
