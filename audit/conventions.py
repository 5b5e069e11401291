"""Conventions found, not assumed: the sign and the reductions a target applies, read off its outputs.

A target is called on a small, well-conditioned probe of shape (B, D) = (3, 4) whose per-element oracle
values q_ij are known (``audit.reference``). Every candidate convention

    sign * R_batch( R_dims(q_ij) ),   sign in {+1, -1},  R_dims in {sum, mean},  R_batch in {none, sum, mean}

predicts a different output (B = 3 and D = 4 make every pair of candidates differ by a factor of at least
4/3); the one that matches to 1e-6 relative is the convention found. Known misreadings of the inputs (logvar
read as log sigma) are candidates too, so that a wrong reading is named rather than called "unrecognised".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

DIMS = ("sum", "mean")
BATCH = ("none", "sum", "mean")
PROBE_RTOL = 1e-6


@dataclass(frozen=True)
class Convention:
    """What a target returns, in terms of the per-element oracle values q_ij."""

    sign: int  # +1: the quantity itself (+KL, +NLL); -1: its negative
    over_dims: str  # "sum" or "mean" over the non-batch dims
    over_batch: str  # "none" (per sample, shape (B,)), "sum" or "mean" over the batch (one number)
    reading: str = ""  # "" for the right reading of the inputs, else the known misreading that matched

    def label(self, quantity: str) -> str:
        batch = "per sample (B,)" if self.over_batch == "none" else f"{self.over_batch} over batch"
        read = f"; {self.reading}" if self.reading else ""
        return f"{'+' if self.sign > 0 else '-'}{quantity}, {self.over_dims} over dims, {batch}{read}"

    def problems(self, quantity: str) -> list[str]:
        """The ways this convention is wrong; an empty list when it is +quantity summed over dims."""
        found = [f"returns -{quantity}, not +{quantity}"] if self.sign < 0 else []
        if self.over_dims == "mean":
            found.append(f"averages over latent dims (the {quantity} is their sum)")
        if self.reading:
            found.append(self.reading)
        return found


def to_numpy(out: object) -> np.ndarray:
    """A target's output as a float64 array (torch, NumPy or JAX arrays, Python numbers)."""
    if isinstance(out, Tensor):
        return out.detach().cpu().to(torch.float64).numpy()
    return np.asarray(out, dtype=np.float64)


def predict(q: np.ndarray, conv: Convention) -> np.ndarray:
    """sign * R_batch(R_dims(q)) for per-element values q of shape (B, D)."""
    per_sample = q.sum(axis=1) if conv.over_dims == "sum" else q.mean(axis=1)
    if conv.over_batch == "none":
        return conv.sign * per_sample
    return np.asarray(conv.sign * (per_sample.sum() if conv.over_batch == "sum" else per_sample.mean()))


def infer(
    out: object, q: np.ndarray, misreadings: Mapping[str, np.ndarray] | None = None
) -> Convention | str:
    """The convention whose prediction matches ``out``, or a sentence saying what was returned instead."""
    if isinstance(out, tuple | list | dict):
        return f"returns a {type(out).__name__}, not one tensor"
    try:
        actual = to_numpy(out)
    except (TypeError, ValueError):
        return f"returns a {type(out).__name__}, not a tensor"
    readings = {"": q, **(misreadings or {})}
    for reading, values in readings.items():
        for sign in (1, -1):
            for dims in DIMS:
                for batch in BATCH:
                    conv = Convention(sign, dims, batch, reading)
                    expected = predict(values, conv)
                    if actual.size == expected.size and np.allclose(
                        actual.reshape(expected.shape), expected, rtol=PROBE_RTOL, atol=0.0
                    ):
                        return conv
    if actual.shape == q.shape:
        return f"elementwise, shape {actual.shape}: no reduction over latent dims"
    return f"no known convention (shape {actual.shape}; not ±sum/mean over dims, per sample or batch)"


def per_sample(fn: Callable[..., object], conv: Convention, *args: Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(values, raw outputs): the target's +quantity summed over dims, per sample, for args of shape (N, D).

    A per-sample target is called once; a batch-reduced one once per row (then sum and mean coincide).
    Undoing the sign and a mean over D is exact for D a power of two and one rounding otherwise.
    """
    n, d = args[0].shape
    if conv.over_batch == "none":
        raw = to_numpy(fn(*args)).reshape(n)
    else:
        raw = np.array([to_numpy(fn(*(a[i : i + 1] for a in args))).reshape(()) for i in range(n)])
    scale = conv.sign * (d if conv.over_dims == "mean" else 1)
    return raw * scale, raw


def batch_gradient_scale(conv: Convention, n: int, d: int) -> float:
    """The factor that turns d(output)/d(input) into the derivative of the per-sample +quantity."""
    return conv.sign * (d if conv.over_dims == "mean" else 1) * (n if conv.over_batch == "mean" else 1)
