"""Helper provenance: a helper that returns a closed form proved by a claim says so (``rests_on``).

While the registry builds claims (``collecting_helper_uses``), each ``core.Claim`` records the ids behind
the marked helpers called since the previous claim was built, and fails unless it declares them in
``uses``. Never call such helpers at import time: what they return then escapes the record.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

#: One set per active ``collecting_helper_uses``: the claim ids behind the helpers called since the last
#: claim was built (``core.Claim.__post_init__`` takes and clears the innermost).
_COLLECTING: list[set[str]] = []
F = TypeVar("F", bound=Callable[..., object])


def rests_on(*claim_ids: str) -> Callable[[F], F]:
    """Mark a helper whose result is proved by ``claim_ids``: a claim built with it must declare them."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: object, **kwargs: object) -> object:
            if _COLLECTING:
                _COLLECTING[-1].update(claim_ids)
            return func(*args, **kwargs)

        wrapper.rests_on = claim_ids  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


@contextmanager
def collecting_helper_uses() -> Iterator[None]:
    """While active, each ``Claim`` records the ``rests_on`` helpers called since the previous claim."""
    _COLLECTING.append(set())
    try:
        yield
    finally:
        _COLLECTING.pop()


def take_helper_uses() -> frozenset[str] | None:
    """The ids recorded since the previous claim (and reset), or None when nothing is being collected."""
    if not _COLLECTING:
        return None
    taken = frozenset(_COLLECTING[-1])
    _COLLECTING[-1].clear()
    return taken
