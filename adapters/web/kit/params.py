"""Types of the values handlers receive by injection. Litestar need not validate what the
composition root provides (and cannot check a Protocol), so validation is skipped."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, SkipValidation

from adapters.web.config import WebConfig
from core.domain.cases.access import StaffActor
from core.ports import PasswordHasher
from core.services.audit import AuditDeps
from core.services.scheduling.deps import SchedulingDeps
from core.services.shared.use_case import Deps

AnyRequest = Request[Any, Any, Any]
DepsParam = NamedDependency[SkipValidation[Deps]]
SchedDepsParam = NamedDependency[SkipValidation[SchedulingDeps]]
AuditDepsParam = NamedDependency[SkipValidation[AuditDeps]]
HasherParam = NamedDependency[SkipValidation[PasswordHasher]]
ActorParam = NamedDependency[SkipValidation[StaffActor]]
WebParam = NamedDependency[SkipValidation[WebConfig]]
PathStr = FromPath[str]
PathId = FromPath[UUID]  # declared `{name:uuid}` in the path: a malformed id is a 404 by itself
QueryStr = FromQuery[str]
