"""Back-off for wrong passwords, keyed by account *and* client address.

Only failures count. After `free` failures for one account from one address, that address must
wait before trying that account again, the wait doubling with each further failure (up to
`max_wait`); a correct password clears it. Addresses that fail across many accounts (password
spraying) back off the same way. Nobody else's failures can lock an account's owner out: a
correct password from an address that has not failed is always checked.

The counters live in the rate limiter's storage (memory, or Redis shared by every process). If
that storage is down the guard fails open, logged: sign-in keeps working, without back-off.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from study.extensions import limiter

log = logging.getLogger(__name__)
WINDOW = 3600  # failures are forgotten an hour after the last one


@dataclass(frozen=True)
class Policy:
    free: int = 5  # failures per account and address before back-off starts
    free_per_address: int = 30  # failures per address (any account) before back-off starts
    first_wait: int = 30  # seconds; doubled for each further failure
    max_wait: int = 900


def _keys(account: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
    pair = f"{account}|{address}"
    return (f"signin:fail:{pair}", f"signin:wait:{pair}"), (f"signin:fail-ip:{address}", f"signin:wait-ip:{address}")


def _storage():
    """The limiter's storage; None when rate limiting is switched off (RATELIMIT_ENABLED=0)."""
    return limiter.storage if limiter.enabled else None


def wait_seconds(account: str, address: str) -> int:
    """Seconds this address must still wait before trying this account (0: go ahead)."""
    try:
        storage = _storage()
        if storage is None:
            return 0
        waits = [storage.get_expiry(wait) - time.time() for (_, wait) in _keys(account, address) if storage.get(wait) > 0]
    except Exception:  # noqa: BLE001 - storage down: fail open
        log.exception("sign-in back-off storage unavailable; allowing the attempt")
        return 0
    return max([0, *(math.ceil(w) for w in waits)])


def record_failure(account: str, address: str, policy: Policy) -> None:
    try:
        storage = _storage()
        if storage is None:
            return
        for (fail, wait), free in zip(_keys(account, address), (policy.free, policy.free_per_address), strict=True):
            count = storage.incr(fail, WINDOW)
            if count > free:
                seconds = min(policy.first_wait * 2 ** (count - free - 1), policy.max_wait)
                storage.clear(wait)
                storage.incr(wait, seconds)
    except Exception:  # noqa: BLE001
        log.exception("sign-in back-off storage unavailable; failure not counted")


def record_success(account: str, address: str) -> None:
    """A correct password clears this account's counters for this address."""
    try:
        storage = _storage()
        if storage is None:
            return
        for key in _keys(account, address)[0]:
            storage.clear(key)
    except Exception:  # noqa: BLE001
        log.exception("sign-in back-off storage unavailable")
