"""The lost-create loop: a create's POST sent at most `CREATE_ATTEMPTS` times, so that an
ambiguous failure (no answer, a 5xx, an unreadable 2xx) neither creates an object twice nor
leaves one behind. Each resource says how it finds what a lost POST created."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from .errors import APIError, ConflictError, JetEmailError

__all__ = ["CREATE_ATTEMPTS", "NoClearAnswer", "create_reconciled"]

log = logging.getLogger("pulumi_jetemail")

CREATE_ATTEMPTS = 3
"""POSTs of one create, counting those sent again after an ambiguous failure."""

_T = TypeVar("_T")


class NoClearAnswer(JetEmailError):
    """Every POST of a create got no clear answer (and nothing was left behind)."""


def _ambiguous(exc: JetEmailError) -> bool:
    """A failure after which a POST may or may not have created the object: no answer, a
    5xx, or a 2xx that could not be read (the client sets `maybe_processed`)."""
    return isinstance(exc, APIError) and exc.maybe_processed


def create_reconciled(
    what: str,
    post: Callable[[], _T],
    *,
    on_conflict: Callable[[bool], _T | None],
    reconcile: Callable[[], _T | None],
) -> _T:
    """POST at most `CREATE_ATTEMPTS` times, so that nothing is created twice or orphaned.

    After an ambiguous failure (the POST may have landed), `reconcile()` looks at the account:
    it returns what the lost POST created, or None to post again (having removed what it must),
    or raises. A 409 calls `on_conflict(after_lost_post)`: it raises, returns a result (an
    adoption), or returns None to reconcile (the lost POST has landed since)."""
    last: JetEmailError | None = None
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return post()
        except ConflictError:
            result = on_conflict(last is not None)
            if result is not None:
                return result
        except JetEmailError as exc:
            if not _ambiguous(exc):
                raise
            last = exc
            log.warning(
                "create of %s got no clear answer (attempt %d of %d: %s); checking the account "
                "before trying again",
                what,
                attempt,
                CREATE_ATTEMPTS,
                exc,
            )
        result = reconcile()
        if result is not None:
            return result
    raise NoClearAnswer(
        f"{CREATE_ATTEMPTS} attempts got no clear answer (last: {last}); nothing was left on "
        "the account, run the deploy again"
    )
