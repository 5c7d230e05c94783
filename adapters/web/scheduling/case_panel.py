"""What the case page shows of the schedule: upcoming sessions, who was at the last one, who is
expected at the next, and the attendance grid (members by sessions). The case page loads it
into its own section, so that it follows every change made on the page."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, AnyRequest, PathId, SchedDepsParam
from adapters.web.kit.rendering import render
from adapters.web.scheduling.forms import PanelQuery
from core.domain.shared.values import CaseId
from core.services.scheduling import views as schedule_views

MARKS = {"attended": "✓", "absent": "A", "late_cancelled": "LC", "no_show": "NS", "": "·"}


class CaseSchedule(StaffController):
    path = "/cases/{case_id:uuid}/schedule"

    @get("")
    async def case_schedule(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        case_id: PathId,
    ) -> Template:
        cid = CaseId(case_id)
        period = forms.read(request.query_params, PanelQuery)
        panel = await schedule_views.schedule_panel(  # one read model, one audit entry
            scheduling_deps, actor, cid, period.from_, period.to
        )
        context = {
            "actor": actor,
            "case_id": cid,
            "s": panel.summary,
            "grid": panel.grid,
            "MARKS": MARKS,
        }
        return render(
            request, "scheduling/case.html", context, fragment="scheduling/_case_panel.html"
        )
