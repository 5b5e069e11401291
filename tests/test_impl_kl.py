"""impl.gaussian_kl against the ledger's closed forms at 50 digits, its defining integral, its properties."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch
from conftest import DTYPES, GRAD_RTOL, RTOL, codes, cuda, edge_grid, max_rel_err, mp_oracle, random_points
from hypothesis import example, given, settings
from scipy import integrate
from test_impl_native_paths import kernel_path  # noqa: F401  (the fixture)

from derivations.claims.gaussian_kl import standard_kl
from derivations.claims.logvar import standard_kl_logvar
from impl import gaussian_kl

pytestmark = pytest.mark.usefixtures("kernel_path")  # native operators and pure path

KL_LOGVAR = mp_oracle(standard_kl_logvar, 2)  # claim logvar-parameterisation: (e^v + mu^2 - 1 - v) / 2
KL_SIGMA = mp_oracle(standard_kl, 2)  # claim gaussian-kl-standard: (sigma^2 + mu^2 - 1 - log sigma^2) / 2
PROPERTY = settings(deadline=None, max_examples=150)


def kl_and_grads(mu: torch.Tensor, logvar: torch.Tensor) -> tuple[torch.Tensor, ...]:
    mu, logvar = mu.clone().requires_grad_(), logvar.clone().requires_grad_()
    kl = gaussian_kl(mu, logvar)
    g_mu, g_logvar = torch.autograd.grad(kl.sum(), (mu, logvar))
    return kl, g_mu, g_logvar


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("points", ["edge", "random"])
def test_kl_and_gradients_match_the_lambdified_claim(dtype: torch.dtype, points: str) -> None:
    mu, logvar = edge_grid(dtype) if points == "edge" else random_points(dtype, 2000)
    kl, g_mu, g_logvar = kl_and_grads(mu, logvar)
    pairs = list(zip(mu.flatten().tolist(), logvar.flatten().tolist(), strict=True))
    expected = [KL_LOGVAR(m, v) for m, v in pairs]
    # dKL/dmu = mu, dKL/dv = (e^v - 1) / 2, at 50 digits (the derivatives of the same claim).
    with mpmath.workdps(50):
        expected_g_logvar = [mpmath.expm1(mpmath.mpf(v)) / 2 for _, v in pairs]
    assert torch.isfinite(kl).all()
    assert torch.isfinite(g_logvar).all()
    assert max_rel_err(kl, expected) <= RTOL[dtype]
    assert torch.equal(g_mu, mu)
    assert max_rel_err(g_logvar, expected_g_logvar) <= RTOL[dtype]


def test_logvar_form_matches_the_sigma_form_of_the_claim() -> None:
    mu, logvar = random_points(torch.float64, 400, seed=1)
    keep = logvar.abs() < 300  # sigma = exp(v/2) representable
    mu, logvar = mu[keep].reshape(-1, 1), logvar[keep].reshape(-1, 1)
    with mpmath.workdps(50):
        expected = [
            KL_SIGMA(m, mpmath.exp(mpmath.mpf(v) / 2))
            for m, v in zip(mu.flatten().tolist(), logvar.flatten().tolist(), strict=True)
        ]
    assert max_rel_err(gaussian_kl(mu, logvar), expected) <= RTOL[torch.float64]


@pytest.mark.parametrize(("m", "v"), [(0.3, -0.7), (-1.5, 1.2), (2.0, 0.0), (0.0, -3.0)])
def test_closed_form_matches_quadrature_of_the_defining_integral(m: float, v: float) -> None:
    s = math.exp(v / 2)

    def integrand(z: float) -> float:  # q(z) log(q(z) / p(z)), q = N(m, s^2), p = N(0, 1)
        return (
            math.exp(-0.5 * ((z - m) / s) ** 2)
            / (s * math.sqrt(2 * math.pi))
            * (-0.5 * ((z - m) / s) ** 2 - math.log(s) + 0.5 * z * z)
        )

    expected, abserr = integrate.quad(
        integrand, m - 40 * s, m + 40 * s, epsabs=1e-14, epsrel=1e-13, limit=200
    )
    actual = gaussian_kl(torch.tensor([[m]], dtype=torch.float64), torch.tensor([[v]], dtype=torch.float64))
    assert actual.item() == pytest.approx(expected, rel=1e-10, abs=10 * abserr)


@pytest.mark.parametrize(("m", "v"), [(0.0, 1e-9), (1e-9, 0.0), (1e-9, -1e-9), (1e-5, 3e-4)])
def test_collapse_regime_matches_50_digit_quadrature(m: float, v: float) -> None:
    """Where the textbook formula returns 0: the integral of q log(q/p) itself, at 50 digits."""
    with mpmath.workdps(50):
        mm, vv = mpmath.mpf(m), mpmath.mpf(v)
        s = mpmath.exp(vv / 2)
        q = lambda z: mpmath.npdf(z, mm, s)  # noqa: E731
        expected = mpmath.quad(
            lambda z: q(z) * (mpmath.log(q(z)) - mpmath.log(mpmath.npdf(z))), [-12, mm, 12]
        )
    actual = gaussian_kl(torch.tensor([[m]], dtype=torch.float64), torch.tensor([[v]], dtype=torch.float64))
    assert max_rel_err(actual, [expected]) <= 1e-9  # the quadrature itself is good to about 1e-12 here


def test_usual_forms_fail_where_gaussian_kl_does_not() -> None:
    """The collapse-regime anchors, float32: pytorch/examples' formula returns exactly 0 in the collapse
    regime; torch.distributions gives +inf below logvar ~ -103 and NaN above ~88.7. gaussian_kl is
    accurate at the first two and at 88, the top of the range (above 88.72 its e^v overflows to +inf)."""
    mu = torch.tensor([[1e-4], [0.0], [0.0], [0.0]])
    logvar = torch.tensor([[1e-4], [-104.0], [88.75], [88.0]])
    naive = -0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(1)
    dist = torch.distributions
    usual = dist.kl_divergence(dist.Normal(mu, (0.5 * logvar).exp()), dist.Normal(0.0, 1.0)).sum(1)
    expected = [
        KL_LOGVAR(m, v) for m, v in zip(mu.flatten().tolist(), logvar.flatten().tolist(), strict=True)
    ]
    assert naive[0] == 0
    assert expected[0] > 0
    assert torch.isinf(usual[1])
    assert torch.isnan(usual[2])
    keep = [0, 1, 3]
    assert (
        max_rel_err(gaussian_kl(mu[keep], logvar[keep]), [expected[i] for i in keep]) <= RTOL[torch.float32]
    )


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4, 5)], ids=str)
def test_backward_passes_gradcheck(shape: tuple[int, ...]) -> None:
    g = torch.Generator().manual_seed(0)
    mu, logvar = (torch.randn(shape, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(2))
    logvar.data[0].mul_(1e-3)  # some entries on the series side of the switch
    assert torch.autograd.gradcheck(gaussian_kl, (mu, logvar))


def test_latent_maps_reduce_over_every_dim_but_the_batch() -> None:
    g = torch.Generator().manual_seed(1)
    mu, logvar = (
        torch.randn(2, 3, 4, 5, generator=g, dtype=torch.float64),
        torch.randn(2, 3, 4, 5, generator=g),
    )
    actual = gaussian_kl(mu, logvar.double())
    expected = gaussian_kl(mu.reshape(2, -1), logvar.double().reshape(2, -1))
    assert actual.shape == (2,)
    torch.testing.assert_close(actual, expected, rtol=RTOL[torch.float64], atol=0)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=str)
def test_half_precision_is_computed_in_float32_and_returned_in_its_dtype(dtype: torch.dtype) -> None:
    mu, logvar = edge_grid(torch.float32)
    keep = (logvar.abs() <= 8) & (mu.abs() <= 100)
    mu, logvar = mu[keep].reshape(-1, 1).to(dtype), logvar[keep].reshape(-1, 1).to(dtype)
    kl, g_mu, g_logvar = kl_and_grads(mu, logvar)
    expected, _, e_logvar = kl_and_grads(mu.float(), logvar.float())
    assert kl.dtype == g_mu.dtype == g_logvar.dtype == dtype
    assert torch.equal(kl, expected.to(dtype))
    assert torch.equal(g_logvar, e_logvar.to(dtype))


@PROPERTY
@given(codes())
@example((np.zeros((1, 1)), np.array([[1e-150]])))  # smallest |v| kept: v^2/2 still a normal float64
def test_kl_is_nonnegative_and_zero_only_at_the_prior(code: tuple[np.ndarray, np.ndarray]) -> None:
    mu, logvar = (torch.from_numpy(a) for a in code)
    kl = gaussian_kl(mu, logvar)
    at_prior = ((mu == 0) & (logvar == 0)).all(dim=1)
    assert (kl >= 0).all()
    assert torch.equal(kl == 0, at_prior)


@PROPERTY
@given(codes(torch.float32, min_abs=1e-18, max_logvar=80.0))  # squares normal, sums finite
def test_kl_is_additive_over_dims_and_invariant_to_batch_order(code: tuple[np.ndarray, np.ndarray]) -> None:
    mu, logvar = (torch.from_numpy(a) for a in code)
    kl = gaussian_kl(mu, logvar)
    per_dim = torch.stack([gaussian_kl(mu[:, j : j + 1], logvar[:, j : j + 1]) for j in range(mu.shape[1])])
    torch.testing.assert_close(kl, per_dim.double().sum(0).float(), rtol=4 * RTOL[torch.float32], atol=0)
    perm = torch.randperm(mu.shape[0], generator=torch.Generator().manual_seed(0))
    assert torch.equal(gaussian_kl(mu[perm], logvar[perm]), kl[perm])


@cuda
@pytest.mark.cuda
def test_cuda_matches_cpu() -> None:
    mu, logvar = random_points(torch.float32, 4000)
    on_gpu = kl_and_grads(mu.cuda(), logvar.cuda())
    for actual, expected in zip(on_gpu, kl_and_grads(mu, logvar), strict=True):
        torch.testing.assert_close(actual.cpu(), expected, rtol=GRAD_RTOL[torch.float32], atol=0)
