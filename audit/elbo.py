"""Audit of a -ELBO target f(x, logits, mu, logvar[, beta=...]) with a Bernoulli decoder on logits.

Kingma & Welling (2013), eq. (10) with beta weighting the KL (Higgins et al. 2017): per sample, in nats,

    -ELBO = sum_pixels [log(1 + e^l) - x l] + beta * sum_dims (e^v - 1 - v + mu^2) / 2,

one decoder output given (no sampling inside the target). Checks, on seeded float64 inputs against the
50-digit oracle: the convention (sign; per sample, batch sum or mean; units nats, not bits; each term
summed, not averaged, over its dims), the value at 1e-12, beta (if a ``beta`` keyword is accepted: 0, 0.5
and 2 weight the KL term and nothing else), and the gradients in logits, mu and logvar at 1e-10.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable

import numpy as np
import torch

from audit import conventions, reference
from audit.result import Audit, Check

B, P, D = 3, 5, 4
BETAS = (0.0, 0.5, 2.0)
VALUE_RTOL, GRAD_RTOL = 1e-12, 1e-10

NegElbo = Callable[..., object]


def inputs() -> tuple[torch.Tensor, ...]:
    """(x, logits, mu, logvar): binary x (B, P), logits, and (B, D) codes, seeded, float64."""
    gen = torch.Generator().manual_seed(1)
    x = (torch.rand(B, P, generator=gen, dtype=torch.float64) > 0.5).double()
    logits, mu, logvar = (torch.randn(B, n, generator=gen, dtype=torch.float64) for n in (P, D, D))
    return x, logits, mu, logvar


def terms(x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> tuple:
    """Per-element oracle values (NLL (B, P), KL (B, D)) and their gradients, at 50 digits."""
    nll, dnll = reference.bernoulli_nll(logits.flatten().tolist(), x.flatten().tolist())
    k, dk_mu, dk_v = reference.kl_per_dim(mu.flatten().tolist(), logvar.flatten().tolist())
    return nll.reshape(B, P), k.reshape(B, D), dnll.reshape(B, P), dk_mu.reshape(B, D), dk_v.reshape(B, D)


def candidates(nll: np.ndarray, kl: np.ndarray, beta: float) -> dict[str, np.ndarray]:
    """Per-sample values under each reading: the right one first, then known mistakes, by name."""
    return {
        "": nll.sum(1) + beta * kl.sum(1),
        "in bits, not nats": (nll.sum(1) + beta * kl.sum(1)) / math.log(2),
        "averages the NLL over pixels": nll.mean(1) + beta * kl.sum(1),
        "averages the KL over latent dims": nll.sum(1) + beta * kl.mean(1),
    }


def find(out: object, per_sample: dict[str, np.ndarray]) -> conventions.Convention | str:
    """The matching (sign, batch reduction, reading), reusing ``conventions.infer`` with D = 1."""
    right, *_ = per_sample.values()
    wrong = {name: v[:, None] for name, v in per_sample.items() if name}
    return conventions.infer(out, right[:, None], wrong)


def probe(fn: NegElbo) -> None:
    fn(*inputs())


def _call(fn: NegElbo, args: tuple[torch.Tensor, ...], beta: float | None) -> object:
    return fn(*args) if beta is None else fn(*args, beta=beta)


def audit(fn: NegElbo, out: Audit, quick: bool = False) -> Audit:
    """Run the -ELBO checks on ``fn`` into ``out`` (``quick`` changes nothing: the checks are small)."""
    args = inputs()
    nll, kl, dnll, dk_mu, dk_v = terms(*args)
    conv = find(fn(*args), candidates(nll, kl, 1.0))
    if isinstance(conv, str):
        out.convention = conv
        out.checks.append(Check("convention", False, conv))
        return out
    out.convention = conv.label("(-ELBO)").replace(", sum over dims", "")
    problems = conv.problems("(-ELBO)")
    out.checks.append(Check("convention", not problems, "; ".join(problems) or out.convention))
    if conv.reading:
        return out
    try:
        has_beta = "beta" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        has_beta = False
    for beta in BETAS if has_beta else (None,):
        expected = conventions.predict(candidates(nll, kl, 1.0 if beta is None else beta)[""][:, None], conv)
        actual = conventions.to_numpy(_call(fn, args, beta)).reshape(expected.shape)
        err = float(np.max(np.abs(actual - expected) / np.abs(expected)))
        name = "value" if beta is None else f"beta={beta:g}"
        out.checks.append(
            Check(name, err <= VALUE_RTOL, f"relative error {err:.2g} (bound {VALUE_RTOL:g})", err)
        )
    out.convention += "" if has_beta else "; no beta parameter (beta not checked)"
    grads = [a.clone().requires_grad_(True) for a in args[1:]]
    torch.as_tensor(fn(args[0], *grads)).sum().backward()
    scale = conventions.batch_gradient_scale(conv, B, 1)
    worst = 0.0
    for g, e in zip(grads, (dnll, dk_mu, dk_v), strict=True):
        if g.grad is None:
            out.checks.append(Check("gradients", False, "no gradient reaches logits, mu and logvar"))
            return out
        worst = max(worst, float(np.max(np.abs(g.grad.numpy() * scale - e) / np.maximum(np.abs(e), 1e-300))))
    out.checks.append(
        Check("gradients", worst <= GRAD_RTOL, f"worst {worst:.2g} (bound {GRAD_RTOL:g})", worst)
    )
    return out
