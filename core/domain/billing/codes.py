"""Psychotherapy billing codes that follow from what happened at a session (DOMAIN.md "Billing").

Hearth suggests; the clinician confirms or changes. The suggestion reads the case kind, the
session's length, the service's own code (evaluation and crisis work have theirs), the
identified client the case names and the attendance recorded per participant. Where the rules
leave a choice (one partner of a couple came alone, a family names nobody) Hearth asks: the
suggestion has no lines, only options. Consultation and workshop work carries no such codes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

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


class OptionKind(StrEnum):
    WITHOUT_CLIENT = "without_client"  # 90846, `about` (absent) as the identified client
    WITH_CLIENT = "with_client"  # 90847
    INDIVIDUAL = "individual"  # an individual code by length, for `about` (who came)


@dataclass(frozen=True, slots=True)
class CodeOption:
    """One answer to Hearth's question: the lines it confirms, and whom it is about."""

    kind: OptionKind
    lines: tuple[CodeLine, ...]
    about: PersonId | None = None


@dataclass(frozen=True, slots=True)
class CodeSuggestion:
    lines: tuple[CodeLine, ...]
    reason: str  # why, in words the clinician can check
    options: tuple[CodeOption, ...] = ()  # Hearth asks: the clinician picks one (lines empty)

    @property
    def asks(self) -> bool:
        return bool(self.options)


def by_length(minutes: int) -> str | None:
    return next((code for least, code in _BY_LENGTH if minutes >= least), None)


def crisis_lines(minutes: int) -> tuple[CodeLine, ...]:
    """90839 covers 30-74 minutes; each further 30 minutes (75-104, 105-134, ...) adds 90840."""
    extra = 0 if minutes < 75 else (minutes - 75) // 30 + 1
    first = (CodeLine("90839"),)
    return first + ((CodeLine("90840", units=extra),) if extra else ())


def identified_clients(
    expected: Sequence[Membership], named: PersonId | None = None, *, partners: bool = True
) -> set[PersonId]:
    """Whom 90847 / 90846 are about: the member the case names, else by role (`partners`:
    whether both partners of a couple count as the clients when nobody else does)."""
    if named is not None and any(m.person_id == named for m in expected):
        return {named}
    fallback = _FALLBACK_CLIENT_ROLES if partners else (MemberRole.CHILD,)
    for roles in (_CLIENT_ROLES, fallback):
        found = {m.person_id for m in expected if m.role in roles}
        if found:
            return found
    return set()


def _one_partner_alone(
    came: Membership, absent: Sequence[Membership], minutes: int, named: PersonId | None
) -> CodeSuggestion:
    """A couple's partner came alone: 90846 with the other partner as identified client, or an
    individual code for the one who came. The clinician decides (DOMAIN.md "Billing")."""
    options = [
        CodeOption(
            OptionKind.WITHOUT_CLIENT, (CodeLine("90846", person_id=m.person_id),), m.person_id
        )
        for m in absent
    ]
    individual = by_length(minutes)
    if individual is not None:
        alone = CodeOption(
            OptionKind.INDIVIDUAL, (CodeLine(individual, person_id=came.person_id),), came.person_id
        )
        # The option that fits the case's named identified client comes first.
        options.insert(0 if named == came.person_id else len(options), alone)
    return CodeSuggestion(
        (), "One partner came alone: choose how to code it.", options=tuple(options)
    )


def suggest_codes(
    *,
    kind: CaseKind,
    service_code: str | None,
    minutes: int,
    expected: Sequence[Membership],
    attended_ids: Collection[PersonId],
    identified_client: PersonId | None = None,
) -> CodeSuggestion:
    """The codes a session earns, from the case kind, its length, who of the expected
    participants attended and the identified client the case names (that day)."""
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
        came = {m.person_id for m in attended}
        partners = [m for m in expected if m.role is MemberRole.PARTNER]
        if kind is CaseKind.COUPLE and len(partners) >= 2 and len(partners) == len(expected):
            if len(attended) == len(expected):
                return CodeSuggestion((CodeLine("90847"),), "Both partners attended.")
            if len(attended) == 1:
                absent = [m for m in expected if m.person_id not in came]
                return _one_partner_alone(attended[0], absent, minutes, identified_client)
        clients = identified_clients(expected, identified_client, partners=False)
        if not clients:
            return CodeSuggestion(
                (),
                "The case names no identified client: choose, or name one on the case page.",
                options=(
                    CodeOption(OptionKind.WITH_CLIENT, (CodeLine("90847"),)),
                    CodeOption(OptionKind.WITHOUT_CLIENT, (CodeLine("90846"),)),
                ),
            )
        if clients & came:
            return CodeSuggestion((CodeLine("90847"),), "The identified client attended.")
        return CodeSuggestion((CodeLine("90846"),), "The identified client did not attend.")
    code = by_length(minutes)
    if code is None:
        return CodeSuggestion((), "Sessions under 16 minutes carry no psychotherapy code.")
    return CodeSuggestion((CodeLine(code),), f"Individual session of {minutes} minutes.")
