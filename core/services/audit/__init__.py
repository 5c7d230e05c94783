"""The audit context's use cases: the owner's audit screen, its CSV export, and checking the
chain (`hearth audit verify`)."""

from core.services.audit.log import (
    AuditDeps,
    AuditLine,
    AuditPage,
    AuditQuery,
    audit_page,
    export_audit,
    verify_log,
)

__all__ = [
    "AuditDeps",
    "AuditLine",
    "AuditPage",
    "AuditQuery",
    "audit_page",
    "export_audit",
    "verify_log",
]
