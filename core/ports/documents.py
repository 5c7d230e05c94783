"""Documents: HTML with print CSS in, PDF out (invoices now; receipts, statements and
superbills use the same port). The HTML comes from the web adapter's templates; the renderer
fetches nothing from the network."""

from __future__ import annotations

from typing import Protocol


class PdfRenderer(Protocol):
    async def pdf(self, html: str) -> bytes:
        """The PDF of a self-contained HTML document (styles inline, no external resources)."""
        ...
