"""What a caller may read of an error: one sanitising layer shared by HTTP and gRPC.

A KikiError's message is written for callers already (adapters translate driver errors into
StorageError naming the action only). Anything else is a bug: the caller gets a generic line
and an id to quote, the log gets the exception. And in case a message ever carries more than
it should, ``scrub`` cuts SQL, parameters, tracebacks and secrets out of every message sent.
"""

from __future__ import annotations

import logging
import re
import secrets

from kiki.core.errors import KikiError

log = logging.getLogger("kiki.api")

MAX_MESSAGE = 500
_CUT = re.compile(
    r"\[SQL:|\[parameters:|\(Background on this error|Traceback \(most recent call last\)"
    r"|\bFile \"[^\"]+\", line \d+|\b(SELECT|INSERT|UPDATE|DELETE)\b .*\b(FROM|INTO|SET)\b",
    re.IGNORECASE | re.DOTALL,
)
_SECRETS = (
    (re.compile(r"kiki_[A-Za-z0-9_-]{8,}"), "kiki_…"),  # API keys
    (re.compile(r"(\w+://)[^/\s:@]*:[^@\s]*@"), r"\1…@"),  # passwords in URLs
    (re.compile(r"(?i)\b(password|secret|token|api[_-]?key)=\S+"), r"\1=…"),
)


def scrub(message: str) -> str:
    """``message`` without SQL, parameters, stack frames or secrets, at most 500 characters."""
    found = _CUT.search(message)
    if found is not None:
        message = message[: found.start()].rstrip(" :(\n") or "error"
    for pattern, replacement in _SECRETS:
        message = pattern.sub(replacement, message)
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def unexpected(exc: BaseException, *, where: str) -> str:
    """Log an exception no error table knows (a bug) and the line a caller gets for it."""
    reference = secrets.token_hex(6)
    log.error("unexpected error in %s (reference %s)", where, reference, exc_info=exc)
    return f"internal error (reference {reference}); the service log has the details"


def message_of(exc: KikiError) -> str:
    return scrub(str(exc))
