"""Shared by the impl/ tests: the tolerance table, the 50-digit oracle, Hypothesis strategies, devices.

Tolerances are relative errors against a 50-digit mpmath evaluation of the ledger's closed form. impl
promises 1e-6 (float32) and 1e-13 (float64) on the KL and its gradients; the other kernels and gradients
get the looser GRAD_RTOL (a few roundings more: a softplus, a sum of 784 terms, the chain rule).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import strategies as st

DTYPES = (torch.float32, torch.float64)
RTOL = {torch.float32: 1e-6, torch.float64: 1e-13}
GRAD_RTOL = {torch.float32: 1e-5, torch.float64: 1e-12}
#: The domain impl promises: logvar from -100 to 88 in float32 (exp overflows at 88.72), |mu| up to 1e4.
LOGVAR_RANGE = {torch.float32: (-100.0, 88.0), torch.float64: (-700.0, 700.0)}
MU_MAX = 1e4
#: Edge points: the collapse regime (1e-9), both sides of the series switch (0.1, 0.5), the extremes.
EDGE_LOGVAR = (
    -100.0,
    -87.0,
    -20.0,
    -1.0,
    -0.5,
    -0.1,
    -1e-4,
    -1e-9,
    0.0,
    1e-9,
    1e-4,
    0.1,
    0.5,
    1.0,
    20.0,
    88.0,
)
EDGE_MU = (0.0, 1e-9, -1e-9, 1e-4, -0.3, 1.0, -2.5, 1e4, -1e4)

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


def mp_oracle(expr: Callable[..., sp.Expr], n_args: int) -> Callable[..., mpmath.mpf]:
    """A ledger closed form ``expr(*symbols)`` lambdified to mpmath, evaluated at 50 digits."""
    symbols = sp.symbols(f"a0:{n_args}", real=True)
    f = sp.lambdify(symbols, expr(*symbols), "mpmath")

    def evaluate(*args: float) -> mpmath.mpf:
        with mpmath.workdps(50):
            return f(*(mpmath.mpf(a) for a in args))  # floats exactly, mpf as they are

    return evaluate


def max_rel_err(actual: torch.Tensor | Sequence[float], expected: Sequence[mpmath.mpf]) -> float:
    """max_i |actual_i - expected_i| / |expected_i| (absolute where expected_i == 0), at 50 digits."""
    values = actual.detach().double().flatten().tolist() if isinstance(actual, torch.Tensor) else actual
    assert len(values) == len(expected)
    with mpmath.workdps(50):
        errs = [abs(mpmath.mpf(a) - e) / (abs(e) if e else 1) for a, e in zip(values, expected, strict=True)]
    return float(max(errs))


def edge_grid(dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """(mu, logvar), each (len(EDGE_MU) * len(EDGE_LOGVAR), 1): every pair of edge points."""
    mu, logvar = np.meshgrid(EDGE_MU, EDGE_LOGVAR)
    as_t = lambda a: torch.tensor(a.reshape(-1, 1), dtype=dtype)  # noqa: E731
    return as_t(mu), as_t(logvar)


def random_points(dtype: torch.dtype, n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """(mu, logvar), each (n, 1): uniform over the domain, near 0, log-uniform in the collapse regime."""
    rng = np.random.default_rng(seed)
    lo, hi = LOGVAR_RANGE[dtype]
    k = n // 4
    sign = rng.choice([-1.0, 1.0], size=(2, k))
    logvar = np.concatenate(
        [
            rng.uniform(lo, hi, k),
            rng.uniform(-2, 2, k),
            sign[0] * 10 ** rng.uniform(-9, 0, k),
            rng.normal(0, 3, k),
        ]
    )
    mu = np.concatenate(
        [rng.uniform(-MU_MAX, MU_MAX, k), rng.normal(0, 1, k), sign[1] * 10 ** rng.uniform(-9, 0, k)]
    )
    mu = np.concatenate([mu, rng.normal(0, 1e-3, len(logvar) - len(mu))])
    rng.shuffle(mu)
    return torch.tensor(mu, dtype=dtype).reshape(-1, 1), torch.tensor(logvar, dtype=dtype).reshape(-1, 1)


# Hypothesis strategies: bounded domains, shapes (B, D) with B <= 6, D <= 5.
def codes(
    dtype: torch.dtype = torch.float64, min_abs: float = 1e-150, max_logvar: float | None = None
) -> st.SearchStrategy[tuple]:
    """(mu, logvar) float arrays of one shape (B, D) inside LOGVAR_RANGE (capped at ``max_logvar``) and
    |mu| <= MU_MAX; nonzero entries are at least ``min_abs`` in magnitude (below, their squares underflow)."""
    lo, hi = LOGVAR_RANGE[dtype]
    hi = hi if max_logvar is None else max_logvar
    width = 32 if dtype == torch.float32 else 64
    np_dtype = np.float32 if width == 32 else np.float64

    def entry(a: float, b: float) -> st.SearchStrategy[float]:
        return st.floats(a, b, width=width).filter(lambda t: t == 0 or abs(t) >= min_abs)

    def pair(shape: tuple[int, int]) -> st.SearchStrategy[tuple]:
        n = shape[0] * shape[1]

        def arr(s: st.SearchStrategy[float]) -> st.SearchStrategy[np.ndarray]:
            return st.lists(s, min_size=n, max_size=n).map(
                lambda v: np.array(v, dtype=np_dtype).reshape(shape)
            )

        return st.tuples(arr(entry(-MU_MAX, MU_MAX)), arr(entry(lo, hi)))

    return st.tuples(st.integers(1, 6), st.integers(1, 5)).flatmap(pair)
