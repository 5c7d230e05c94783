"""The SMS provider's webhook for texts people send back (STOP, START). Not a staff page: it has
no session and no CSRF token; what makes it trustworthy is the provider's signature over the
URL it called and the form, checked before anything is read. Without an SMS provider configured
it does not exist (404)."""

from __future__ import annotations

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import SkipValidation

from adapters.web.auth import request_origin
from adapters.web.edge import replaced
from adapters.web.kit.params import AnyRequest, DepsParam
from core.ports.communication import InboundSmsVerifier
from core.services.communication import inbound

InboundParam = NamedDependency[SkipValidation[tuple[InboundSmsVerifier, str, str] | None]]
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@post("/sms/inbound", exclude_from_csrf=True, status_code=200)
async def sms_inbound(
    request: AnyRequest, deps: DepsParam, sms_inbound: InboundParam
) -> Response[str]:
    """`sms_inbound` is (verifier, the webhook's public URL, the practice's name), or None."""
    if sms_inbound is None:
        raise NotFoundException()
    verifier, url, practice_name = sms_inbound
    form = {k: str(v) for k, v in (await request.form()).items()}
    if not verifier.verify(url, form, request.headers.get("x-twilio-signature", "")):
        raise PermissionDeniedException("Not signed by the SMS provider.")
    # A text someone sent is kept, not refused: a control character in it (which PostgreSQL
    # could not store) becomes U+FFFD.
    await inbound.text_received(
        deps,
        replaced(form.get("From", ""))[:20],
        replaced(form.get("Body", ""))[:1600],
        practice_name,
        origin=request_origin(request),
    )
    # An empty answer: the confirmation goes through the outbox like every other text.
    return Response(EMPTY_TWIML, media_type="text/xml")
