"""Argument checks that read only shapes and dtypes, so they cost nothing on the hot path.

Each raises TypeError (wrong kind or dtype) or ValueError (wrong shape or value) naming the argument and
what was expected; a silent number from a bad input is the failure these exist to prevent.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor


def batched_float(name: str, t: object) -> Tensor:
    """``t`` as a floating tensor of shape (B, ...) with at least 2 dims, batch first."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if not t.is_floating_point():
        raise TypeError(f"{name} must have a floating dtype, got {t.dtype}")
    if t.dim() < 2:
        raise ValueError(f"{name} must have shape (B, ...) with at least 2 dims, got shape {tuple(t.shape)}")
    return t


def same_shape(name: str, t: object, ref_name: str, ref: Tensor) -> Tensor:
    """``t`` as a floating tensor with the shape, dtype and device of ``ref``."""
    t = batched_float(name, t)
    if t.shape != ref.shape:
        raise ValueError(f"{name} must have the shape of {ref_name} {tuple(ref.shape)}, got {tuple(t.shape)}")
    if t.dtype != ref.dtype or t.device != ref.device:
        raise TypeError(
            f"{name} must have the dtype and device of {ref_name} ({ref.dtype}, {ref.device}), "
            f"got ({t.dtype}, {t.device})"
        )
    return t


def choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return str(value)


def real(name: str, value: object, *, nonnegative: bool = False) -> float:
    """``value`` as a finite float (>= 0 if ``nonnegative``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not math.isfinite(value) or (nonnegative and value < 0):
        raise ValueError(f"{name} must be a finite number{' >= 0' if nonnegative else ''}, got {value}")
    return float(value)


def unit_interval(name: str, t: Tensor) -> None:
    """Raise ValueError unless every element of ``t`` lies in [0, 1] (the one check that reads values)."""
    if t.numel():
        lo, hi = (float(m) for m in torch.aminmax(t.detach()))
        if not (lo >= 0 and hi <= 1):  # NaN fails too
            raise ValueError(f"{name} must lie in [0, 1] (Bernoulli targets), got values in [{lo}, {hi}]")
