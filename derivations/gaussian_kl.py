"""Placeholder: claims of this module are being written (see registry.MODULES)."""

from __future__ import annotations

from derivations.core import Claim


def claims() -> tuple[Claim, ...]:
    return ()
