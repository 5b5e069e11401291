"""audit.kl: impl passes; every planted wrong KL fails, and for its own reason (exactly the checks named).

The plants are built from impl.gaussian_kl (accurate) so that each differs from a right KL in one way only;
the audit itself never imports impl.
"""

from __future__ import annotations

import pytest
import torch
from torch import Tensor

from audit import kl
from audit.result import Audit
from impl import gaussian_kl

VALUE_CHECKS = {"value float32", "value float64"}
GRAD_CHECKS = {"grad float32", "grad float64"}


def run(fn: object) -> Audit:
    return kl.audit(fn, Audit("planted", "kl"), quick=True)  # type: ignore[arg-type]


def failed(a: Audit) -> set[str]:
    return {c.name for c in a.checks if not c.passed}


def sign_flip(mu: Tensor, logvar: Tensor) -> Tensor:
    return -gaussian_kl(mu, logvar)


def mean_over_dims(mu: Tensor, logvar: Tensor) -> Tensor:
    return gaussian_kl(mu, logvar) / mu.shape[1]


def naive(mu: Tensor, logvar: Tensor) -> Tensor:
    """Kingma & Welling's -1/2 sum(1 + v - mu^2 - e^v), per sample: right convention, cancels near 0."""
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)


def log_sigma_read(mu: Tensor, logvar: Tensor) -> Tensor:
    """Treats its second argument as log sigma: sigma^2 = e^{2v}."""
    return gaussian_kl(mu, 2 * logvar)


class _WrongGrad(torch.autograd.Function):
    @staticmethod
    def forward(ctx, mu: Tensor, logvar: Tensor) -> Tensor:  # type: ignore[no-untyped-def]
        ctx.save_for_backward(mu, logvar)
        return gaussian_kl(mu, logvar)

    @staticmethod
    def backward(ctx, g: Tensor) -> tuple[Tensor, Tensor]:  # type: ignore[no-untyped-def]
        mu, logvar = ctx.saved_tensors
        return g[:, None] * mu, g[:, None] * torch.exp(logvar) / 2  # dKL/dv is (e^v - 1)/2, not e^v / 2


def wrong_grad(mu: Tensor, logvar: Tensor) -> Tensor:
    return _WrongGrad.apply(mu, logvar)


def order_dependent(mu: Tensor, logvar: Tensor) -> Tensor:
    """Weights each row by its position unless the batch is sorted by mu (as the value grid is)."""
    unsorted = bool((mu[1:, 0] < mu[:-1, 0]).any())
    return gaussian_kl(mu, logvar) * (1 + 1e-9 * unsorted * torch.arange(mu.shape[0], dtype=mu.dtype))


def coupled_dims(mu: Tensor, logvar: Tensor) -> Tensor:
    """Right on one dim, but adds a cross term mu_1 mu_2 between dims: not additive."""
    return gaussian_kl(mu, logvar) + 1e-9 * (mu.sum(1).pow(2) - mu.pow(2).sum(1))


def test_audit_passes_impl() -> None:
    a = run(gaussian_kl)
    assert a.passed, a.failures
    assert a.convention == "+KL, sum over dims, per sample (B,)"


@pytest.mark.parametrize(
    ("plant", "reasons", "convention"),
    [
        (sign_flip, {"convention"}, "returns -KL"),
        (mean_over_dims, {"convention"}, "averages over latent dims"),
        (naive, VALUE_CHECKS | GRAD_CHECKS, ""),
        (log_sigma_read, None, "reads logvar as log sigma"),
        (wrong_grad, GRAD_CHECKS, ""),
        (order_dependent, {"batch order"}, ""),
        (coupled_dims, {"additivity"}, ""),
    ],
    ids=lambda p: getattr(p, "__name__", None),
)
def test_planted_wrong_kl_fails_for_its_reason(
    plant: object, reasons: set[str] | None, convention: str
) -> None:
    a = run(plant)
    assert not a.passed
    convention_check = a.check("convention")
    assert convention_check is not None
    assert convention in convention_check.detail
    if reasons is not None:
        assert failed(a) == reasons, a.failures
    else:
        assert "convention" in failed(a)


def test_naive_formula_returns_zero_in_the_collapse_regime() -> None:
    """The figure the table reports for it: relative error 1 (KL computed as exactly 0) near logvar = 0."""
    a = run(naive)
    worst = a.check("value float32")
    assert worst is not None
    assert worst.worst == pytest.approx(1.0)


def test_unrecognised_output_fails_the_convention_and_runs_nothing_else() -> None:
    a = run(lambda mu, logvar: gaussian_kl(mu, logvar)[:, None] * torch.ones_like(mu))
    assert [c.name for c in a.checks] == ["convention"]
    assert "no reduction over latent dims" in a.checks[0].detail


def test_float64_only_target_fails_float32_checks_without_crashing() -> None:
    def f64_only(mu: Tensor, logvar: Tensor) -> Tensor:
        if mu.dtype != torch.float64:
            raise TypeError("float64 only")
        return gaussian_kl(mu, logvar)

    assert failed(run(f64_only)) == {"value float32"}


def test_curves_for_the_figure_hold_both_slices_in_both_dtypes() -> None:
    a = run(gaussian_kl)
    for dtype in ("float32", "float64"):
        assert set(a.curves[dtype]) == {"0", "0.001"}
        assert all(len(points) > 5 for points in a.curves[dtype].values())
