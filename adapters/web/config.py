"""What the web adapter needs to know from the settings, as one plain value."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class WebConfig:
    secret_key: str
    owner_sees_clinical: bool = False
    secure_cookies: bool = False  # True behind HTTPS (production)
    idle_timeout: int = 30 * 60  # seconds without a request before the session ends
    absolute_lifetime: int = 12 * 60 * 60  # seconds after sign-in before it ends regardless
    # Wall-clock seconds for session timing; tests move it forward.
    now: Callable[[], float] = field(default=time.time)
    debug: bool = False
    # Whether every staff member needs a second factor until the owner chooses (production).
    second_factor_default: bool = False
