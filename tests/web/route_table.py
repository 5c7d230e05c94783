"""Every POST route of the app, read from its route table (so a new route is covered by the
tests that use this without editing them), with its path parameters filled in from the seeded
practice where one fits and a random id where none does."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from litestar import Litestar

from tests.web.conftest import World

_PARAM = re.compile(r"\{(\w+):(\w+)\}")


@dataclass(frozen=True)
class PostRoute:
    template: str  # "/cases/{case_id:uuid}/name"
    path: str  # filled in
    exempt_from_csrf: bool  # a webhook signed by its provider instead


def _value(name: str, kind: str, world: World) -> str:
    known = {
        "case_id": str(world.cases["couple"]),
        "person_id": str(world.people["maya"]),
        "organization_id": str(world.organizations["clinic"]),
        "staff_id": str(world.staff["kim"].id),
        "kind": "couple",
    }
    if name in known:
        return known[name]
    return str(uuid.uuid4()) if kind == "uuid" else "x"


def post_routes(app: Litestar, world: World) -> list[PostRoute]:
    found = []
    for route in app.routes:
        handlers = getattr(route, "route_handler_map", {})
        if "POST" not in handlers:
            continue
        handler = handlers["POST"]
        handler = handler[0] if isinstance(handler, tuple) else handler  # (handler, its app)
        path = _PARAM.sub(lambda m: _value(m.group(1), m.group(2), world), route.path)
        exempt = bool(handler.opt.get("exclude_from_csrf"))
        found.append(PostRoute(route.path, path, exempt))
    return found
