"""Types of the values handlers receive by injection. Litestar need not validate what the
composition root provides (and cannot check a Protocol), so validation is skipped."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Dependency

from core.domain.access import StaffActor
from core.ports import PasswordHasher
from core.services.context import Deps

DepsParam = Annotated[Deps, Dependency(skip_validation=True)]
HasherParam = Annotated[PasswordHasher, Dependency(skip_validation=True)]
ActorParam = Annotated[StaffActor, Dependency(skip_validation=True)]
