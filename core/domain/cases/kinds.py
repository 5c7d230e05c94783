"""The seven case kinds as one policy table.

Everything that differs between kinds (the words on screen, how many participants may be active
at once, which member roles make sense, which records exist) is read from `POLICIES`; nothing
else in Hearth asks `if kind == ...`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.domain.shared.errors import RecordNotAllowed


class CaseKind(StrEnum):
    INDIVIDUAL = "individual"
    COUPLE = "couple"
    FAMILY = "family"
    GROUP = "group"
    CONSULTATION = "consultation"
    CONSULTATION_GROUP = "consultation_group"
    WORKSHOP = "workshop"


class ServiceLine(StrEnum):
    PSYCHOTHERAPY = "psychotherapy"
    CONSULTATION = "consultation"
    WORKSHOP = "workshop"


class MemberRole(StrEnum):
    CLIENT = "client"
    PARTNER = "partner"
    PARENT = "parent"
    CHILD = "child"
    IDENTIFIED_CLIENT = "identified_client"
    FAMILY_MEMBER = "family_member"
    CAREGIVER = "caregiver"
    GROUP_MEMBER = "group_member"
    CONSULTEE = "consultee"
    PARTICIPANT = "participant"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class RecordType(StrEnum):
    DIAGNOSIS = "diagnosis"
    TREATMENT_PLAN = "treatment_plan"
    SUPERBILL = "superbill"
    INSURANCE_CLAIM = "insurance_claim"
    PROGRESS_NOTE = "progress_note"
    CONSULTATION_NOTE = "consultation_note"
    INVOICE = "invoice"
    RECEIPT = "receipt"
    AGREEMENT = "agreement"
    MESSAGE = "message"
    BILLING_CODE = "billing_code"  # a psychotherapy code (90834, 90847...) on a session

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_COMMON = frozenset(
    {RecordType.INVOICE, RecordType.RECEIPT, RecordType.AGREEMENT, RecordType.MESSAGE}
)
_PSYCHOTHERAPY = _COMMON | {
    RecordType.DIAGNOSIS,
    RecordType.TREATMENT_PLAN,
    RecordType.SUPERBILL,
    RecordType.INSURANCE_CLAIM,
    RecordType.PROGRESS_NOTE,
    RecordType.BILLING_CODE,
}
_CONSULTATION = _COMMON | {RecordType.CONSULTATION_NOTE}
_WORKSHOP = _COMMON
_CONJOINT = frozenset({"90847", "90846"})  # couple and family psychotherapy


@dataclass(frozen=True, slots=True)
class KindPolicy:
    kind: CaseKind
    label: str  # what the UI calls a case of this kind: "couple", "consultation group"
    participant_word: str  # what it calls one participant: "partner", "group member"
    service_line: ServiceLine
    min_active: int  # participants a case must have when it opens, and keep while open
    max_active: int | None  # None: no fixed limit (a group's own capacity may still apply)
    member_roles: tuple[MemberRole, ...]  # the first is the default
    records: frozenset[RecordType]
    # Couples and families may name the member their codes are about (90847 / 90846).
    names_identified_client: bool = False
    # The codes of this kind's ordinary sessions: what tells a service fit for it (a booking
    # form's default; the codes themselves are billing's to suggest).
    session_codes: frozenset[str] = frozenset()

    @property
    def has_capacity(self) -> bool:
        """Groups and workshops have a capacity set per case; the others have fixed limits."""
        return self.max_active is None and self.min_active == 0

    @property
    def default_role(self) -> MemberRole:
        return self.member_roles[0]

    def allows(self, record: RecordType) -> bool:
        return record in self.records

    def require(self, record: RecordType) -> None:
        if record not in self.records:
            raise RecordNotAllowed(
                f"A {self.label} case cannot have a {record.label}: "
                f"{record.label}s belong to psychotherapy, and this is {self.service_line} work."
            )

    def limit(self, capacity: int | None) -> int | None:
        return self.max_active if self.max_active is not None else capacity


POLICIES: dict[CaseKind, KindPolicy] = {
    p.kind: p
    for p in (
        KindPolicy(
            CaseKind.INDIVIDUAL,
            "client",
            "client",
            ServiceLine.PSYCHOTHERAPY,
            1,
            1,
            (MemberRole.CLIENT,),
            _PSYCHOTHERAPY,
            session_codes=frozenset({"90832", "90834", "90837"}),
        ),
        KindPolicy(
            CaseKind.COUPLE,
            "couple",
            "partner",
            ServiceLine.PSYCHOTHERAPY,
            1,
            2,
            (MemberRole.PARTNER, MemberRole.PARENT, MemberRole.CHILD),
            _PSYCHOTHERAPY,
            names_identified_client=True,
            session_codes=_CONJOINT,
        ),
        KindPolicy(
            CaseKind.FAMILY,
            "family",
            "family member",
            ServiceLine.PSYCHOTHERAPY,
            1,
            None,
            (
                MemberRole.FAMILY_MEMBER,
                MemberRole.IDENTIFIED_CLIENT,
                MemberRole.PARENT,
                MemberRole.CHILD,
                MemberRole.CAREGIVER,
            ),
            _PSYCHOTHERAPY,
            names_identified_client=True,
            session_codes=_CONJOINT,
        ),
        KindPolicy(
            CaseKind.GROUP,
            "group",
            "group member",
            ServiceLine.PSYCHOTHERAPY,
            0,
            None,
            (MemberRole.GROUP_MEMBER,),
            _PSYCHOTHERAPY,
            session_codes=frozenset({"90853"}),
        ),
        KindPolicy(
            CaseKind.CONSULTATION,
            "consultation client",
            "consultee",
            ServiceLine.CONSULTATION,
            1,
            1,
            (MemberRole.CONSULTEE,),
            _CONSULTATION,
        ),
        KindPolicy(
            CaseKind.CONSULTATION_GROUP,
            "consultation group",
            "consultee",
            ServiceLine.CONSULTATION,
            0,
            None,
            (MemberRole.CONSULTEE,),
            _CONSULTATION,
        ),
        KindPolicy(
            CaseKind.WORKSHOP,
            "workshop",
            "participant",
            ServiceLine.WORKSHOP,
            0,
            None,
            (MemberRole.PARTICIPANT,),
            _WORKSHOP,
        ),
    )
}


def policy(kind: CaseKind) -> KindPolicy:
    return POLICIES[CaseKind(kind)]


def line_allows(line: ServiceLine, record: RecordType) -> bool:
    """Whether the kinds of a service line have this record (a service offered to them may
    carry its code)."""
    return any(p.allows(record) for p in POLICIES.values() if p.service_line is line)
