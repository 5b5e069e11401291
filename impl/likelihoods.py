"""Reconstruction terms -log p_theta(x|z) per sample, in nats, summed over every dim but the first.

Kingma & Welling (2013), Appendix C: a Bernoulli decoder (C.1) and a Gaussian decoder (C.2); ledger claims
``bernoulli-likelihood`` and ``gaussian-likelihood``.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from impl import _checks, _native
from impl._compile import call, uses_compiled
from impl.kl import batch_view

_LOG_2PI = math.log(2 * math.pi)


def _sum_but_batch(t: Tensor) -> Tensor:
    return t.sum(dim=tuple(range(1, t.dim())))


def _nll_forward(logits: Tensor, x: Tensor) -> Tensor:
    pos = torch.relu(logits)  # max(l, 0)
    neg = pos - logits  # max(-l, 0), exactly
    terms = pos.lerp_(neg, x)
    softplus = neg.mul_(-2).sub_(logits).exp_().log1p_()  # -2 max(-l, 0) - l = -|l|, exactly
    return _sum_but_batch(terms).add_(_sum_but_batch(softplus))


def _nll_backward(g_nll: Tensor, logits: Tensor, x: Tensor) -> Tensor:
    """d/dl = sigmoid(l) - x = ((1 - x) a - x b) / (1 + e), e = exp(-|l|), (a, b) = (1, e) for l >= 0, else
    (e, 1): sigmoid(l) = a / (1 + e) and sigmoid(-l) = b / (1 + e), so 1 - sigmoid(l) never rounds to 0."""
    e = logits.abs().neg_().exp_()
    nonneg = logits >= 0
    a, b = torch.where(nonneg, 1.0, e), torch.where(nonneg, e, 1.0)
    grad = (1 - x).mul_(a).sub_(x * b).div_(e.add_(1))
    return grad.mul_(batch_view(g_nll, logits))


class _BernoulliNLL(torch.autograd.Function):
    """-log Bern(x | sigmoid(l)) = softplus(l) - x l as a sum of non-negative terms, so nothing cancels
    (softplus(l) - x l returns 0 for x = 1, l = 30):

        (1 - x) max(l, 0) + x max(-l, 0) + log(1 + e^{-|l|}).

    The first two are ``lerp(max(l, 0), max(-l, 0), x)``: start + x (end - start) for x < 0.5, else
    end - (1 - x)(end - start), never a difference of nearly equal numbers. Eagerly two fresh buffers, the
    rest in place (fresh buffers are faulted in anew: PERF_NOTES); compiled from COMPILE_FROM elements.
    Backward: sigmoid(l) - x for l (as (1 - x) sigmoid(l) - x sigmoid(-l), exact for x in {0, 1}), -l for x.
    """

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, logits: Tensor, x: Tensor) -> Tensor:
        ctx.save_for_backward(logits, x)
        return call(_nll_forward, uses_compiled(logits), logits, x)

    @staticmethod
    @once_differentiable  # second derivatives: not provided, an error rather than a wrong number
    def backward(ctx: torch.autograd.function.FunctionCtx, g_nll: Tensor) -> tuple[Tensor | None, ...]:
        logits, x = ctx.saved_tensors  # type: ignore[attr-defined]
        g_logits = call(_nll_backward, uses_compiled(logits), g_nll, logits, x)
        return g_logits, -logits * batch_view(g_nll, logits) if ctx.needs_input_grad[1] else None  # type: ignore[attr-defined]


def bernoulli_nll(logits: Tensor, x: Tensor) -> Tensor:
    """-log p(x|z) for x ~ Bernoulli(sigmoid(logits)), in nats, summed over every dim but the first: (B,).

    Sign: positive (a negative log-likelihood). ``logits`` are the decoder's pre-sigmoid outputs;
    x in [0, 1] (binary or grey levels, the continuous relaxation of K&W's MNIST experiments). Each pixel's
    term is computed without cancellation, to a few ulp. Raises ValueError for x outside [0, 1] (this reads
    x's values: in the native operator's own pass on the CPU, one min/max pass elsewhere) or mismatched
    shapes, TypeError for non-floating dtypes.
    """
    _checks.batched_float("logits", logits)
    _checks.same_shape("x", x, "logits", logits)
    if _native.use(logits):  # one C++ pass each way, x checked in the same pass (csrc/bernoulli_nll.cpp)
        nll: Tensor = torch.ops.vae_ops.bernoulli_nll(logits, x)
        return nll
    _checks.unit_interval("x", x)
    return _BernoulliNLL.apply(logits, x)


def gaussian_nll(x_hat: Tensor, x: Tensor, logvar_x: float | Tensor = 0.0) -> Tensor:
    """-log N(x | x_hat, diag exp(logvar_x)) in nats, with its constant, summed over every dim but the first.

    Per element 1/2 ((x - x_hat)^2 e^{-logvar_x} + logvar_x + log 2 pi) (K&W 2013, Appendix C.2); shape (B,).
    logvar_x: a float or a floating tensor broadcastable to x (a learned decoder variance). Plain autograd.
    """
    _checks.batched_float("x_hat", x_hat)
    _checks.same_shape("x", x, "x_hat", x_hat)
    if isinstance(logvar_x, Tensor):
        if not logvar_x.is_floating_point():
            raise TypeError(f"logvar_x must have a floating dtype, got {logvar_x.dtype}")
        pairs = zip(reversed(logvar_x.shape), reversed(x.shape), strict=False)
        if logvar_x.dim() > x.dim() or any(a not in (1, b) for a, b in pairs):
            raise ValueError(f"logvar_x must broadcast to x {tuple(x.shape)}, got {tuple(logvar_x.shape)}")
        precision: Tensor | float = torch.exp(-logvar_x)
    else:
        logvar_x = _checks.real("logvar_x", logvar_x)
        precision = math.exp(-logvar_x)
    terms = (x - x_hat).square() * precision + logvar_x
    return _sum_but_batch(terms).add_(x.shape[1:].numel() * _LOG_2PI).mul_(0.5)
