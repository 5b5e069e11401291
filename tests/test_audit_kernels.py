"""audit's other kernels (reparameterize, bernoulli-nll, neg-elbo): a right target passes, plants fail.

The right Bernoulli target here is the oracle itself rounded to the input dtype (values and gradient): it
shows the checks can pass; each plant then differs from a right target in one way.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor

from audit import bernoulli, elbo, reference, reparameterize
from audit.result import Audit
from impl import neg_elbo


def failed(a: Audit) -> set[str]:
    return {c.name for c in a.checks if not c.passed}


def reparam(mu: Tensor, logvar: Tensor) -> Tensor:
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


def run_reparam(fn: object) -> Audit:
    return reparameterize.audit(fn, Audit("planted", "reparameterize"), quick=True)  # type: ignore[arg-type]


def test_reparameterize_passes_the_textbook_form() -> None:
    a = run_reparam(reparam)
    assert a.passed, a.failures


def test_reparameterize_reading_logvar_as_log_sigma_fails_the_variance() -> None:
    a = run_reparam(lambda mu, logvar: mu + torch.exp(logvar) * torch.randn_like(mu))
    assert failed(a) == {"variance", "pathwise grad"}


def test_reparameterize_without_the_seed_fails_determinism() -> None:
    gen = torch.Generator().manual_seed(0)
    a = run_reparam(
        lambda mu, logvar: mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=gen, dtype=mu.dtype)
    )
    assert failed(a) == {"determinism"}


def test_reparameterize_detached_noise_scale_fails_the_pathwise_gradient() -> None:
    a = run_reparam(lambda mu, logvar: mu + torch.exp(0.5 * logvar).detach() * torch.randn_like(mu))
    assert failed(a) == {"pathwise grad"}


class _OracleNLL(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits: Tensor, x: Tensor) -> Tensor:  # type: ignore[no-untyped-def]
        nll, grad = reference.bernoulli_nll(logits.flatten().tolist(), x.flatten().tolist())
        ctx.grad = torch.tensor(grad.reshape(logits.shape), dtype=logits.dtype)
        return torch.tensor(nll.reshape(logits.shape), dtype=logits.dtype).sum(1)

    @staticmethod
    def backward(ctx, g: Tensor) -> tuple[Tensor, None]:  # type: ignore[no-untyped-def]
        return g[:, None] * ctx.grad, None


def oracle_nll(logits: Tensor, x: Tensor) -> Tensor:
    return _OracleNLL.apply(logits, x)


def run_nll(fn: object) -> Audit:
    return bernoulli.audit(fn, Audit("planted", "bernoulli-nll"), quick=True)  # type: ignore[arg-type]


def test_bernoulli_passes_the_oracle_rounded_to_the_dtype() -> None:
    a = run_nll(oracle_nll)
    assert a.passed, a.failures


def test_bernoulli_naive_softplus_minus_xl_fails_values_at_large_logits() -> None:
    a = run_nll(lambda l, x: (torch.nn.functional.softplus(l) - x * l).sum(1))
    assert {"value float32", "value float64"} <= failed(a)
    assert a.check("convention").passed  # type: ignore[union-attr]


class _SigmoidMinusX(torch.autograd.Function):
    """The oracle's values with the usual backward sigmoid(l) - x (BCE-with-logits): 0 for x = 1, l > 17."""

    @staticmethod
    def forward(ctx, logits: Tensor, x: Tensor) -> Tensor:  # type: ignore[no-untyped-def]
        ctx.save_for_backward(logits, x)
        return oracle_nll(logits.detach(), x)

    @staticmethod
    def backward(ctx, g: Tensor) -> tuple[Tensor, None]:  # type: ignore[no-untyped-def]
        logits, x = ctx.saved_tensors
        return g[:, None] * (torch.sigmoid(logits) - x), None


def test_bernoulli_gradient_that_rounds_to_zero_at_binary_targets_fails() -> None:
    a = run_nll(_SigmoidMinusX.apply)
    assert failed(a) == {"grad float32", "grad float64"}
    assert a.check("grad float32").where.endswith("x=1")  # type: ignore[union-attr]


def test_bernoulli_mean_over_pixels_and_sign_fail_the_convention() -> None:
    a = run_nll(lambda l, x: -oracle_nll(l, x) / l.shape[1])
    assert failed(a) == {"convention"}
    assert "returns -NLL" in a.checks[0].detail
    assert "averages over pixels" in a.checks[0].detail


def run_elbo(fn: object) -> Audit:
    return elbo.audit(fn, Audit("planted", "neg-elbo"))  # type: ignore[arg-type]


def test_neg_elbo_passes_impl_with_beta() -> None:
    a = run_elbo(neg_elbo)
    assert a.passed, a.failures
    assert {c.name for c in a.checks} == {"convention", "beta=0", "beta=0.5", "beta=2", "gradients"}


def test_neg_elbo_in_bits_is_named() -> None:
    a = run_elbo(lambda x, l, mu, v: neg_elbo(x, l, mu, v) / math.log(2))
    assert failed(a) == {"convention"}
    assert "in bits, not nats" in a.checks[0].detail


def test_neg_elbo_returning_the_elbo_fails_the_sign() -> None:
    a = run_elbo(lambda x, l, mu, v: -neg_elbo(x, l, mu, v, reduction="sum"))
    assert failed(a) == {"convention"}
    assert "returns -(-ELBO)" in a.checks[0].detail


def test_neg_elbo_that_ignores_beta_fails_the_beta_checks() -> None:
    def ignores_beta(x: Tensor, l: Tensor, mu: Tensor, v: Tensor, beta: float = 1.0) -> Tensor:
        return neg_elbo(x, l, mu, v)

    assert failed(run_elbo(ignores_beta)) == {"beta=0", "beta=0.5", "beta=2"}


def test_neg_elbo_inputs_are_seeded() -> None:
    for a, b in zip(elbo.inputs(), elbo.inputs(), strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_neg_elbo_averaging_the_nll_over_pixels_is_named() -> None:
    def mse_style(x: Tensor, l: Tensor, mu: Tensor, v: Tensor) -> Tensor:
        nll = neg_elbo(x, l, mu, v, beta=0.0, reduction="none") / x.shape[1]
        return (
            nll + neg_elbo(x, l, mu, v, reduction="none") - neg_elbo(x, l, mu, v, beta=0.0, reduction="none")
        ).mean()

    a = run_elbo(mse_style)
    assert failed(a) == {"convention"}
    assert "averages the NLL over pixels" in a.checks[0].detail
