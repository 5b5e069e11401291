"""Argument checks that read only shapes and dtypes (free on the hot path), except ``unit_interval``.

Each raises TypeError (wrong kind or dtype) or ValueError (wrong shape or value) naming the argument.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor


def batched_float(name: str, t: object) -> Tensor:
    """``t`` if it is a floating tensor of shape (B, ...) with at least 2 dims."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if not t.is_floating_point():
        raise TypeError(f"{name} must have a floating dtype, got {t.dtype}")
    if t.dim() < 2:
        raise ValueError(f"{name} must have shape (B, ...) with at least 2 dims, got shape {tuple(t.shape)}")
    return t


def same_shape(name: str, t: object, ref_name: str, ref: Tensor) -> Tensor:
    """``t`` if it is a floating tensor with the shape, dtype and device of ``ref``."""
    t = batched_float(name, t)
    if t.shape != ref.shape:
        raise ValueError(f"{name} must have the shape of {ref_name} {tuple(ref.shape)}, got {tuple(t.shape)}")
    if t.dtype != ref.dtype or t.device != ref.device:
        raise TypeError(f"{name} must have the dtype and device of {ref_name} ({ref.dtype}, {ref.device})")
    return t


def choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
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
    """ValueError unless every element of ``t`` lies in [0, 1]: one min/max pass over the values."""
    lo, hi = (float(m) for m in torch.aminmax(t.detach())) if t.numel() else (0.0, 0.0)
    if not (lo >= 0 and hi <= 1):  # NaN fails too
        raise ValueError(f"{name} must lie in [0, 1] (Bernoulli targets), got values in [{lo}, {hi}]")
