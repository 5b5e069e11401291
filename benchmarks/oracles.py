"""Checks of every timed result, against float64 NumPy closed forms independent of the code under test.

Closed forms (every KL is +KL in nats, summed over D; Kingma & Welling 2013, Appendix B):
  kl = 1/2 sum_d (mu^2 + exp(logvar) - 1 - logvar),  dkl/dmu = mu,  dkl/dlogvar = (exp(logvar) - 1) / 2.
  z = mu + exp(logvar / 2) eps (Kingma & Welling 2013, eq. 10), so dz/dmu = 1 and
  dz/dlogvar = eps exp(logvar / 2) / 2 = (z - mu) / 2: the gradient is checked exactly given z.
  -log Bernoulli(x; sigmoid(l)) = softplus(l) - x l, d/dl = sigmoid(l) - x (Bishop 2006, eq. 4.90).
The noise cannot be reproduced across implementations, so z is checked in distribution: the standardised
eps = (z - mu) / exp(logvar / 2) must have mean 0 and variance 1 within 6 standard errors (``check_noise``).
"""

from __future__ import annotations

import numpy as np
import torch
from numpy.typing import NDArray

Array = NDArray[np.float64]
Result = tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]  # (outputs, gradients of the inputs)

#: rtol/atol per dtype (torch's float32 defaults loosened 10x for sums over up to 1e7 terms in float32).
TOLERANCE = {torch.float32: (1e-5, 1e-5), torch.bfloat16: (2e-2, 2e-2)}
#: Extra slack on the standardised noise's moments for bfloat16's 8-bit mantissa in z.
NOISE_SLACK = {torch.float32: 0.0, torch.bfloat16: 2e-2}


def f64(t: torch.Tensor) -> Array:
    return t.detach().to(device="cpu", dtype=torch.float64).numpy()


def close(name: str, actual: torch.Tensor, expected: Array, dtype: torch.dtype, scale: float = 1.0) -> None:
    """Assert |actual - expected| <= atol * scale + rtol * |expected| elementwise, naming the quantity."""
    rtol, atol = TOLERANCE[dtype]
    got = f64(actual)
    assert got.shape == expected.shape, f"{name}: shape {got.shape}, expected {expected.shape}"
    err = np.abs(got - expected) - (atol * scale + rtol * np.abs(expected))
    assert np.all(err <= 0), f"{name}: max excess error {err.max():.3g} over rtol={rtol}, atol={atol * scale}"


def kl_terms(mu: Array, logvar: Array) -> Array:
    return 0.5 * (mu**2 + np.exp(logvar) - 1 - logvar)


def check_noise(z: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> None:
    """eps = (z - mu) / exp(logvar / 2) is N(0, 1) whatever logvar: in each half of the elements split at the
    median logvar, mean 0 and variance 1 within 6 standard errors (a wrong std, e.g. exp(logvar), moves
    the two halves' variances apart even where their average stays near 1)."""
    eps, v = (f64(z) - f64(mu)) / np.exp(f64(logvar) / 2), f64(logvar)
    slack = NOISE_SLACK[z.dtype]
    for half, part in (("low", eps[v <= np.median(v)]), ("high", eps[v > np.median(v)])):
        mean, var, n = part.mean(), part.var(), part.size
        assert abs(mean) <= 6 / np.sqrt(n) + slack, f"noise mean {mean:.4g} ({half} logvar), expected 0"
        bound = 6 * np.sqrt(2 / n) + slack
        assert abs(var - 1) <= bound, f"noise variance {var:.4g} ({half} logvar), expected 1"


def z_grads(z: torch.Tensor, mu: torch.Tensor, g_z: torch.Tensor) -> tuple[Array, Array]:
    """What z contributes to (grad mu, grad logvar) given the upstream g_z: (g_z, g_z (z - mu) / 2)."""
    return f64(g_z), f64(g_z) * (f64(z) - f64(mu)) / 2


def check_reparameterize(out: Result, mu: torch.Tensor, logvar: torch.Tensor, g_z: torch.Tensor) -> None:
    (z,), grads = out
    check_noise(z, mu, logvar)
    if grads:
        g_mu, g_logvar = z_grads(z, mu, g_z)
        close("grad mu", grads[0], g_mu, mu.dtype)
        close("grad logvar", grads[1], g_logvar, mu.dtype)


def check_gaussian_kl(out: Result, mu: torch.Tensor, logvar: torch.Tensor, g_kl: torch.Tensor) -> None:
    (kl,), grads = out
    m, v = f64(mu), f64(logvar)
    close("kl", kl, kl_terms(m, v).sum(axis=1), mu.dtype, scale=m.shape[1])
    if grads:
        w = f64(g_kl)[:, None]
        close("grad mu", grads[0], w * m, mu.dtype)
        close("grad logvar", grads[1], w * np.expm1(v) / 2, mu.dtype)


def check_reparameterize_kl(
    out: Result, mu: torch.Tensor, logvar: torch.Tensor, g_z: torch.Tensor, g_kl: torch.Tensor
) -> None:
    (z, kl), grads = out
    check_noise(z, mu, logvar)
    m, v = f64(mu), f64(logvar)
    close("kl", kl, kl_terms(m, v).sum(axis=1), mu.dtype, scale=m.shape[1])
    if grads:
        (g_mu, g_logvar), w = z_grads(z, mu, g_z), f64(g_kl)[:, None]
        close("grad mu", grads[0], g_mu + w * m, mu.dtype)
        close("grad logvar", grads[1], g_logvar + w * np.expm1(v) / 2, mu.dtype)


def check_neg_elbo(
    out: Result, x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor
) -> None:
    (loss,), grads = out
    xs, l, m, v = f64(x), f64(logits), f64(mu), f64(logvar)
    expected = (np.logaddexp(0, l) - xs * l).sum() + kl_terms(m, v).sum()
    close("neg_elbo", loss, np.asarray(expected), mu.dtype, scale=xs.size)
    if grads:
        close("grad logits", grads[0], 1 / (1 + np.exp(-l)) - xs, mu.dtype)
        close("grad mu", grads[1], m, mu.dtype)
        close("grad logvar", grads[2], np.expm1(v) / 2, mu.dtype)
