"""impl.bernoulli_nll and impl.gaussian_nll against the ledger's lambdified log-likelihoods at 50 digits."""

from __future__ import annotations

import itertools
import math

import mpmath
import pytest
import sympy as sp
import torch
import torch.nn.functional as F
from conftest import DTYPES, GRAD_RTOL, RTOL, max_rel_err, mp_oracle
from test_impl_native_paths import kernel_path  # noqa: F401  (the fixture)

from derivations.claims.likelihoods import bernoulli_log_likelihood, gaussian_log_density
from impl import bernoulli_nll, gaussian_nll

pytestmark = pytest.mark.usefixtures("kernel_path")  # native operators and pure path

BERNOULLI_NLL = mp_oracle(lambda x, l: -bernoulli_log_likelihood(x, l), 2)
BERNOULLI_GRAD = mp_oracle(lambda x, l: sp.diff(-bernoulli_log_likelihood(x, l), l), 2)
GAUSSIAN_NLL = mp_oracle(lambda x, m, v: -gaussian_log_density(x, m, sp.exp(v / 2)), 3)
#: Saturated logits (|l| = 30, 60) are where softplus(l) - x l cancels to 0; x = 0.999 where 1 - x matters.
LOGITS = (-60.0, -30.0, -5.0, -1e-3, 0.0, 1e-3, 0.7, 5.0, 30.0, 60.0)
TARGETS = (0.0, 1.0, 0.5, 0.999, 1e-3)


def grid(dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    pairs = list(itertools.product(TARGETS, LOGITS))
    x, logits = (torch.tensor([[p[i]] for p in pairs], dtype=dtype) for i in (0, 1))
    return x, logits


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_bernoulli_nll_and_gradient_match_the_lambdified_claim(dtype: torch.dtype) -> None:
    x, logits = grid(dtype)
    logits.requires_grad_()
    nll = bernoulli_nll(logits, x)
    (g_logits,) = torch.autograd.grad(nll.sum(), logits)
    pairs = list(zip(x.flatten().tolist(), logits.detach().flatten().tolist(), strict=True))
    assert max_rel_err(nll, [BERNOULLI_NLL(a, b) for a, b in pairs]) <= RTOL[dtype]
    # For x in {0, 1} the gradient -sigmoid(-l) or sigmoid(l) is computed without cancellation: relative to
    # itself, also where it is tiny (x = 1, l = 60: -8.8e-27). For fractional x, sigmoid(l) - x is a
    # difference of O(1) numbers: relative to 1, not to itself (a named deviation).
    expected = [BERNOULLI_GRAD(a, b) for a, b in pairs]
    binary = [k for k, (a, _) in enumerate(pairs) if a in (0.0, 1.0)]
    actual = g_logits.flatten()
    assert max_rel_err(actual[binary], [expected[k] for k in binary]) <= GRAD_RTOL[dtype]
    expected_t = torch.tensor([float(e) for e in expected], dtype=torch.float64)
    torch.testing.assert_close(actual.double(), expected_t, rtol=GRAD_RTOL[dtype], atol=RTOL[dtype])


def test_bernoulli_nll_sums_pixels_per_sample() -> None:
    g = torch.Generator().manual_seed(0)
    logits = 4 * torch.randn(5, 3, 4, 4, generator=g, dtype=torch.float64)
    x = torch.rand(5, 3, 4, 4, generator=g, dtype=torch.float64).round()
    expected = [
        mpmath.fsum(
            BERNOULLI_NLL(a, b) for a, b in zip(xi.flatten().tolist(), li.flatten().tolist(), strict=True)
        )
        for xi, li in zip(x, logits, strict=True)
    ]
    assert max_rel_err(bernoulli_nll(logits, x), expected) <= RTOL[torch.float64]


def test_usual_bernoulli_forms_fail_where_bernoulli_nll_does_not() -> None:
    """float32, x = 1 and l = 30: softplus(l) - x l returns 0; sigmoid + binary_cross_entropy
    (pytorch/examples) returns 0 too, and for x = 0 it clamps log(1 - 1) to -100 where the truth is 30."""
    logits, x = torch.tensor([[30.0], [30.0]]), torch.tensor([[1.0], [0.0]])
    expected = [BERNOULLI_NLL(1.0, 30.0), BERNOULLI_NLL(0.0, 30.0)]
    assert (F.softplus(logits) - x * logits)[0].item() == 0
    examples = F.binary_cross_entropy(torch.sigmoid(logits), x, reduction="none")
    assert examples[0].item() == 0
    assert examples[1].item() == 100
    assert max_rel_err(bernoulli_nll(logits, x), expected) <= RTOL[torch.float32]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("logvar_x", [0.0, -3.0, 2.5, "tensor"])
def test_gaussian_nll_matches_the_lambdified_claim(dtype: torch.dtype, logvar_x: float | str) -> None:
    g = torch.Generator().manual_seed(1)
    x_hat, x = torch.randn(6, 7, generator=g, dtype=dtype), torch.randn(6, 7, generator=g, dtype=dtype)
    lv = torch.randn(6, 7, generator=g, dtype=dtype) if logvar_x == "tensor" else torch.full_like(x, logvar_x)
    actual = gaussian_nll(x_hat, x, lv if logvar_x == "tensor" else logvar_x)
    rows = [list(zip(*(t[i].tolist() for t in (x, x_hat, lv)), strict=True)) for i in range(6)]
    expected = [mpmath.fsum(GAUSSIAN_NLL(*p) for p in row) for row in rows]
    # The terms have both signs; the error is relative to the sum of their magnitudes (the condition).
    with mpmath.workdps(50):
        scale = [
            mpmath.fsum(abs(GAUSSIAN_NLL(*p)) + math.log(2 * math.pi) + abs(p[2]) for p in row)
            for row in rows
        ]
        errs = [abs(mpmath.mpf(a) - e) / s for a, e, s in zip(actual.tolist(), expected, scale, strict=True)]
    assert max(errs) <= RTOL[dtype]


def test_backwards_pass_gradcheck() -> None:
    g = torch.Generator().manual_seed(2)
    logits = (3 * torch.randn(4, 5, generator=g, dtype=torch.float64)).requires_grad_()
    x = torch.rand(4, 5, generator=g, dtype=torch.float64).mul(0.98).add(0.01).requires_grad_()
    assert torch.autograd.gradcheck(bernoulli_nll, (logits, x))
    x_hat, lv = (torch.randn(4, 5, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(2))
    assert torch.autograd.gradcheck(gaussian_nll, (x_hat, x, lv))
    assert torch.autograd.gradcheck(lambda a, b: gaussian_nll(a, b, -1.5), (x_hat, x))
