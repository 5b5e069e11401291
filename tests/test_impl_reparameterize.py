"""impl.reparameterize and impl.reparameterize_kl: the sample distribution and the pathwise gradient
against the ledger's claims (Monte Carlo, fixed seed, tolerance from the sample size), backward, seeds."""

from __future__ import annotations

import math

import pytest
import sympy as sp
import torch
from conftest import GRAD_RTOL, cuda
from scipy import stats
from test_impl_native_paths import kernel_path  # noqa: F401  (the fixture)

from derivations.claims.moments import gaussian_expectation
from impl import gaussian_kl, reparameterize, reparameterize_kl

pytestmark = pytest.mark.usefixtures("kernel_path")  # native operators and pure path

N = 200_000  # Monte Carlo samples: standard errors of order 1/sqrt(N) ~ 2e-3
Z_SCORE = 5.0  # a correct kernel fails a 5-sigma check with probability ~6e-7 (and the seed is fixed)
SAMPLERS = {
    "reparameterize": reparameterize,
    "reparameterize_kl": lambda *a, **k: reparameterize_kl(*a, **k)[0],
}
POINTS = [(0.7, -0.4), (-2.0, 1.5), (0.0, 0.0)]


def draw(name: str, m: float, v: float, seed: int = 0, grad: bool = False) -> tuple[torch.Tensor, ...]:
    mu = torch.full((N, 1), m, dtype=torch.float64, requires_grad=grad)
    logvar = torch.full((N, 1), v, dtype=torch.float64, requires_grad=grad)
    return SAMPLERS[name](mu, logvar, generator=torch.Generator().manual_seed(seed)), mu, logvar


@pytest.mark.parametrize("name", SAMPLERS)
@pytest.mark.parametrize(("m", "v"), POINTS)
def test_samples_have_the_claimed_mean_variance_and_law(name: str, m: float, v: float) -> None:
    """Claim reparameterisation-distribution: z = mu + exp(v/2) eps ~ N(mu, exp(v))."""
    z = draw(name, m, v)[0].flatten().numpy()
    zs = sp.Symbol("z", real=True)
    expected_mean = float(gaussian_expectation(zs, zs, m, sp.exp(sp.Float(v) / 2)))
    expected_var = float(gaussian_expectation((zs - m) ** 2, zs, m, sp.exp(sp.Float(v) / 2)))
    assert abs(z.mean() - expected_mean) <= Z_SCORE * math.sqrt(expected_var / N)
    assert abs(z.var(ddof=1) - expected_var) <= Z_SCORE * expected_var * math.sqrt(2 / (N - 1))
    assert stats.kstest(z, "norm", args=(m, math.sqrt(expected_var))).pvalue > 1e-4


@pytest.mark.parametrize("name", SAMPLERS)
@pytest.mark.parametrize(("m", "v"), POINTS)
def test_pathwise_gradient_matches_the_claim(name: str, m: float, v: float) -> None:
    """Claim reparameterisation-gradient: d/dmu and d/dv of E_q[f(z)] for a degree-4 polynomial f, from the
    proved Gaussian moments, against the mean of the per-sample pathwise gradients."""
    c = (0.3, -1.1, 0.8, 0.25, -0.05)
    zs, ms, vs = sp.symbols("z m v", real=True)
    objective = gaussian_expectation(sum(ck * zs**k for k, ck in enumerate(c)), zs, ms, sp.exp(vs / 2))
    z, mu, logvar = draw(name, m, v, seed=1, grad=True)
    (sum(ck * z**k for k, ck in enumerate(c)).sum() / N).backward()
    for param, sym in ((mu, ms), (logvar, vs)):
        per_sample = param.grad.flatten() * N  # f'(z_i) dz_i/dparam
        expected = float(sp.diff(objective, sym).subs({ms: m, vs: v}))
        assert abs(per_sample.mean().item() - expected) <= Z_SCORE * per_sample.std().item() / math.sqrt(N)


def test_fused_backward_passes_gradcheck_for_mu_logvar_and_eps() -> None:
    g = torch.Generator().manual_seed(2)
    mu, logvar, eps = (
        torch.randn(4, 3, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(3)
    )
    assert torch.autograd.gradcheck(reparameterize_kl, (mu, logvar, eps))
    assert torch.autograd.gradcheck(reparameterize, (mu, logvar, eps))


def test_fused_pass_agrees_with_the_separate_ones() -> None:
    g = torch.Generator().manual_seed(3)
    mu, logvar, eps, g_z = (torch.randn(64, 8, generator=g, dtype=torch.float64) for _ in range(4))
    g_kl = torch.randn(64, generator=g, dtype=torch.float64)
    grads = []
    for fused in (True, False):
        m, lv = mu.clone().requires_grad_(), logvar.clone().requires_grad_()
        z, kl = reparameterize_kl(m, lv, eps) if fused else (reparameterize(m, lv, eps), gaussian_kl(m, lv))
        torch.autograd.backward((z, kl), (g_z, g_kl))
        grads.append((z, kl, m.grad, lv.grad))
    for actual, expected in zip(*grads, strict=True):
        torch.testing.assert_close(actual, expected, rtol=GRAD_RTOL[torch.float64], atol=0)


@pytest.mark.parametrize("name", SAMPLERS)
def test_same_seed_gives_bit_identical_samples(name: str) -> None:
    mu, logvar = torch.randn(32, 5), torch.randn(32, 5)
    sample = lambda seed: SAMPLERS[name](mu, logvar, generator=torch.Generator().manual_seed(seed))  # noqa: E731
    assert torch.equal(sample(7), sample(7))
    assert not torch.equal(sample(7), sample(8))
    torch.manual_seed(5)
    first = SAMPLERS[name](mu, logvar)
    torch.manual_seed(5)
    assert torch.equal(first, SAMPLERS[name](mu, logvar))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=str)
def test_half_precision_returns_its_dtype(dtype: torch.dtype) -> None:
    mu, logvar, eps = (torch.randn(8, 4).to(dtype) for _ in range(3))
    z, kl = reparameterize_kl(mu, logvar, eps)
    assert z.dtype == kl.dtype == dtype
    assert torch.equal(z, reparameterize_kl(mu.float(), logvar.float(), eps.float())[0].to(dtype))


@cuda
@pytest.mark.cuda
def test_cuda_matches_cpu_given_the_same_eps() -> None:
    g = torch.Generator().manual_seed(4)
    mu, logvar, eps = (torch.randn(256, 16, generator=g) for _ in range(3))
    for actual, expected in zip(
        reparameterize_kl(mu.cuda(), logvar.cuda(), eps.cuda()),
        reparameterize_kl(mu, logvar, eps),
        strict=True,
    ):
        torch.testing.assert_close(actual.cpu(), expected, rtol=GRAD_RTOL[torch.float32], atol=0)
    z = reparameterize(mu.cuda(), logvar.cuda(), generator=torch.Generator("cuda").manual_seed(0))
    assert z.device.type == "cuda"
    assert z.shape == mu.shape
