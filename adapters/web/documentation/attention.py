"""The "needs attention" screen and the header's count (loaded by htmx after the page, so
that no page waits for it). The sections come from every context's provider on the board."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.kit.params import ActorParam, AnyRequest, SchedDepsParam
from adapters.web.kit.rendering import render
from core.services.shared.attention import AttentionBoard

BoardParam = NamedDependency[SkipValidation[AttentionBoard]]

# Where a row's target opens (the core names kinds, the web knows URLs).
TARGETS = {
    "note": "/notes/{}",
    "appointment": "/appointments/{}",
    "case": "/cases/{}",
    "staff": "/staff/{}",
    "clinical": "/cases/{}/clinical",  # a case's clinical record: its diagnoses and plans
    "payer_person": "/billing/payers/person/{}",
    "payer_organization": "/billing/payers/organization/{}",
    "undelivered": "/messages/undelivered",  # a list, not one thing: no id
}


class AttentionPages(StaffController):
    path = "/attention"

    @get("")
    async def page(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        attention: BoardParam,
    ) -> Template:
        sections = await attention.sections(scheduling_deps, actor)
        context = {"actor": actor, "sections": sections, "TARGETS": TARGETS}
        return render(request, "documentation/attention.html", context)

    @get("/count")
    async def count(
        self,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        attention: BoardParam,
    ) -> Template:
        total = await attention.count(scheduling_deps, actor)
        return Template("documentation/_attention_count.html", context={"total": total})
