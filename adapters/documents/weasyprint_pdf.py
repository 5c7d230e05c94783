"""PDF by WeasyPrint (with Debian's pango): about 0.4 s a page, run in a thread so the event
loop keeps serving. Documents are self-contained: any URL the HTML names is refused rather
than fetched (an invoice must not make the server call out)."""

from __future__ import annotations

import asyncio
from typing import Any

from core.ports.documents import PdfRenderer


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError("Documents fetch nothing: styles and images are inline.")


def _render(html: str) -> bytes:
    import weasyprint  # imported on first use: it loads pango, which takes a moment

    pdf = weasyprint.HTML(string=html, url_fetcher=_refuse).write_pdf()
    assert pdf is not None
    return bytes(pdf)


class WeasyPrintRenderer:
    async def pdf(self, html: str) -> bytes:
        return await asyncio.to_thread(_render, html)


_implements: type[PdfRenderer] = WeasyPrintRenderer
