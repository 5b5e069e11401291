"""The oracle: 50-digit mpmath values of the ledger's closed forms, at the exact binary value of each input.

KL(N(mu, e^v) || N(0, 1)) per latent dim (Kingma & Welling 2013, Appendix B, with v = log sigma^2; the
ledger's claim ``gaussian-kl-standard``), in nats, +KL:

    k(mu, v) = (e^v - 1 - v + mu^2) / 2,   dk/dmu = mu,   dk/dv = (e^v - 1) / 2.

At 50 digits the two cancellations in e^v - 1 - v cost at most 2 * 9 digits for |v| >= 1e-9, which leaves
more than 30 correct digits, far past float64's 16. Computed here from the formula, never from code under
audit (nor from ``impl`` or ``derivations``).

Bernoulli negative log-likelihood from a logit l (K&W 2013, Appendix C.1; ledger ``bernoulli-likelihood``):

    -log Bern(x | sigmoid(l)) = log(1 + e^l) - x l,   in nats, positive.
"""

from __future__ import annotations

from collections.abc import Iterable

import mpmath
import numpy as np

DPS = 50


def _mpf(x: float) -> mpmath.mpf:
    """The exact binary value of a float (float32 inputs are first widened exactly to float64)."""
    return mpmath.mpf(float(x))


def kl_terms(mu: float, v: float) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """(k, dk/dmu, dk/dv) at 50 digits for one latent dim: +KL in nats and its two partial derivatives."""
    with mpmath.workdps(DPS):
        m, lv = _mpf(mu), _mpf(v)
        ev = mpmath.exp(lv)
        return (ev - 1 - lv + m * m) / 2, m, (ev - 1) / 2


def kl_per_dim(mu: Iterable[float], v: Iterable[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elementwise (k, dk/dmu, dk/dv) rounded once to float64 (+inf where the exact value exceeds it)."""
    rows = [kl_terms(m, lv) for m, lv in zip(mu, v, strict=True)]
    return tuple(np.array([float(r[i]) for r in rows], dtype=np.float64) for i in range(3))  # type: ignore[return-value]


def kl_as_log_sigma(mu: Iterable[float], v: Iterable[float]) -> np.ndarray:
    """The KL a target returns when it reads logvar as log sigma (sigma^2 = e^{2v}): a known mistake."""
    with mpmath.workdps(DPS):
        return np.array(
            [
                float((mpmath.exp(2 * _mpf(lv)) - 1 - 2 * _mpf(lv) + _mpf(m) ** 2) / 2)
                for m, lv in zip(mu, v, strict=True)
            ],
            dtype=np.float64,
        )


def bernoulli_nll(logits: Iterable[float], x: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise (-log p(x | sigmoid(l)), its d/dl) at 50 digits, rounded to float64.

    Written as (1 - x) softplus(l) + x softplus(-l) and (1 - x) sigmoid(l) - x sigmoid(-l): equal to
    log(1 + e^l) - x l and sigmoid(l) - x, but without their cancellation (log(1 + e^100) - 100 needs 47
    digits just to see the answer 3.7e-44), so 50 digits leave at least 40.
    """
    nll, grad = [], []
    with mpmath.workdps(DPS):
        softplus = lambda t: mpmath.log1p(mpmath.exp(t))  # noqa: E731
        sigmoid = lambda t: 1 / (1 + mpmath.exp(-t))  # noqa: E731
        for l, xx in zip(logits, x, strict=True):
            lm, xm = _mpf(l), _mpf(xx)
            nll.append(float((1 - xm) * softplus(lm) + xm * softplus(-lm)))
            grad.append(float((1 - xm) * sigmoid(lm) - xm * sigmoid(-lm)))
    return np.array(nll), np.array(grad)


def logvar_grid(quick: bool = False) -> np.ndarray:
    """logvar from -100 to 88 (float32's e^v overflows at 88.72), dense near 0 down to |v| = 1e-9."""
    n = 4 if quick else 10
    small = np.logspace(-9, 0, 9 * n // 3 + 1)
    large = np.array([2.0, 5.0, 10.0, 20.0, 30.0, 50.0, 88.0])
    pos = np.concatenate([small, large])
    return np.unique(np.concatenate([-pos, [-100.0, -60.0], pos]))


def mu_grid(quick: bool = False) -> np.ndarray:
    """mu = 0 and |mu| from 1e-9 to 1e4 (log-spaced, and 1e-3), both signs."""
    pos = np.concatenate([np.logspace(-9, 4, 5 if quick else 14), [1e-3]])  # 1e-3: the figure's small mu
    return np.unique(np.concatenate([-pos, [0.0], pos]))
