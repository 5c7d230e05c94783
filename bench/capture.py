"""The SQL each screen sends, captured in-process: run by the runner with the benchmarked
checkout's own Python (its venv, its `bootstrap`), so it imports nothing from `bench`.

    <checkout>/.venv/bin/python bench/capture.py IN.json OUT.pickle

IN.json: {"database_url", "timezone", "password", "signins": {role: email},
"screens": [[name, role, path], ...], "cold": bool}. For each screen the app (as `hearth serve`
builds it) answers one warm-up GET and then one GET whose statements (text, parameters,
executemany) are recorded from SQLAlchemy's `before_cursor_execute` on both of its engines.
With "cold", what the app keeps per process for a short while (the header's attention count)
is forgotten before that GET: its statements are those of a first visit (the budgets).
"""

from __future__ import annotations

import asyncio
import json
import pickle
import re
import sys
from typing import Any


async def capture(spec: dict[str, Any]) -> dict[str, Any]:
    import httpx
    import sqlalchemy as sa

    import bootstrap

    container = bootstrap.make_container(
        bootstrap.Settings(
            database_url=spec["database_url"], timezone=spec["timezone"], secret_key="c" * 32
        )
    )
    recorded: list[tuple[str, Any, bool]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _c: Any, many: bool):
        recorded.append((statement, parameters, many))

    engines = {id(e): e for e in (container.engine(), container.audit_engine())}
    for engine in engines.values():
        sa.event.listen(engine.sync_engine, "before_cursor_execute", listen)
    app = bootstrap.create_app(container)
    clients: dict[str, httpx.AsyncClient] = {}
    found: dict[str, Any] = {}
    try:
        for role, email in spec["signins"].items():
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=300
            )
            page = (await client.get("/sign-in")).text
            token = re.search(r'name="_csrf_token" value="([^"]+)"', page)
            signed = await client.post(
                "/sign-in",
                data={
                    "email": email,
                    "password": spec["password"],
                    "_csrf_token": token.group(1) if token else "",
                },
            )
            if signed.status_code != 303:
                raise SystemExit(f"capture: sign-in as {role} answered {signed.status_code}")
            clients[role] = client
        for name, role, path in spec["screens"]:
            client = clients[role]
            await client.get(path)
            if spec.get("cold") and hasattr(container, "attention_board"):
                container.attention_board.reset()  # a new board: nothing counted yet
            recorded.clear()
            response = await client.get(path)
            found[name] = {
                "status": response.status_code,
                "bytes": len(response.content),
                "statements": list(recorded),
            }
    finally:
        for client in clients.values():
            await client.aclose()
        await bootstrap.close_database(container)
    return found


def main() -> None:
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    found = asyncio.run(capture(spec))
    with open(sys.argv[2], "wb") as f:
        pickle.dump(found, f)


if __name__ == "__main__":
    main()
