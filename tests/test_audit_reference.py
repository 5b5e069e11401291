"""audit.reference: the 50-digit oracle against the definitions it stands for, computed another way.

The KL closed form is checked against mpmath quadrature of the defining integral E_q[log q - log p]; the
Bernoulli form against the textbook log(1 + e^l) - x l evaluated at 200 digits, where its cancellation
cannot matter.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from audit import reference


def kl_by_quadrature(mu: float, v: float) -> mpmath.mpf:
    """KL(N(mu, e^v) || N(0, 1)) = integral of q (log q - log p), at 30 digits (Kingma & Welling, App. B)."""
    with mpmath.workdps(30):
        s = mpmath.sqrt(mpmath.exp(v))
        log_q = lambda z: -((z - mu) ** 2) / (2 * s**2) - mpmath.log(s) - mpmath.log(2 * mpmath.pi) / 2  # noqa: E731
        log_p = lambda z: -(z**2) / 2 - mpmath.log(2 * mpmath.pi) / 2  # noqa: E731
        f = lambda z: mpmath.exp(log_q(z)) * (log_q(z) - log_p(z))  # noqa: E731
        return mpmath.quad(f, [mu - 12 * s, mu, mu + 12 * s])


@pytest.mark.parametrize(("mu", "v"), [(0.0, 1.0), (0.5, -2.0), (-1.5, 0.3), (2.0, 2.5), (0.1, -0.01)])
def test_kl_closed_form_matches_the_defining_integral(mu: float, v: float) -> None:
    expected = kl_by_quadrature(mu, v)
    actual = reference.kl_terms(mu, v)[0]
    assert abs(actual - expected) <= 1e-20 * abs(expected)


def test_kl_gradients_match_central_differences_at_50_digits() -> None:
    mu, v = 0.75, -0.4
    with mpmath.workdps(50):
        h = mpmath.mpf("1e-20")
        k = lambda m, lv: (mpmath.exp(lv) - 1 - lv + m * m) / 2  # noqa: E731
        d_mu = (k(mpmath.mpf(mu) + h, v) - k(mpmath.mpf(mu) - h, v)) / (2 * h)
        d_v = (k(mu, mpmath.mpf(v) + h) - k(mu, mpmath.mpf(v) - h)) / (2 * h)
    _, g_mu, g_v = reference.kl_terms(mu, v)
    assert abs(g_mu - d_mu) < 1e-30
    assert abs(g_v - d_v) < 1e-30


@pytest.mark.parametrize("l", [-100.0, -30.0, -1.0, 0.0, 1e-6, 17.8, 100.0])
@pytest.mark.parametrize("x", [0.0, 0.25, 1.0])
def test_bernoulli_oracle_matches_the_textbook_form_at_200_digits(l: float, x: float) -> None:
    with mpmath.workdps(200):
        nll = mpmath.log1p(mpmath.exp(l)) - x * l
        grad = 1 / (1 + mpmath.exp(-l)) - x
    actual, actual_grad = reference.bernoulli_nll([l], [x])
    assert actual[0] == pytest.approx(float(nll), rel=1e-15, abs=0)
    assert actual_grad[0] == pytest.approx(float(grad), rel=1e-15, abs=0)


def test_grids_cover_the_issue_domain() -> None:
    for quick in (False, True):
        v, mu = reference.logvar_grid(quick), reference.mu_grid(quick)
        assert v.min() == -100.0
        assert v.max() == 88.0
        assert np.abs(v).min() == pytest.approx(1e-9)
        assert np.abs(mu).max() == 1e4
        assert 0.0 in mu
        assert 1e-3 in mu
