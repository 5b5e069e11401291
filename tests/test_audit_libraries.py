"""The library targets, where their packages are installed (group ``audit``, ``audit-jax``; else skipped).

What is pinned is the convention each library was found to use, and that its KL matches the oracle away
from the collapse regime: the audit calls the real library, so a wrong adapter would show here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

from audit import kl, run
from audit.targets import resolve

MODERATE = torch.tensor([[0.5, -1.0], [2.0, 0.3]], dtype=torch.float64)


@pytest.mark.parametrize(
    ("target", "package", "convention"),
    [
        ("torch", "torch", "+KL, sum over dims, per sample (B,)"),
        ("pyro", "pyro", "+KL, sum over dims, sum over batch"),
        ("pythae", "pythae", "+KL, sum over dims, mean over batch"),
        ("lightning-bolts", "torch", "+KL, mean over dims, mean over batch"),
        ("antixk-reported", "torch", "-KL, sum over dims, mean over batch"),
    ],
)
def test_library_convention_is_found(target: str, package: str, convention: str) -> None:
    pytest.importorskip(package)
    a = run(target, quick=True)
    assert a.convention == convention
    assert not {"additivity", "batch order"} & {c.name for c in a.checks if not c.passed}


def run_fn(target: str) -> Callable[..., torch.Tensor]:
    fn = resolve(target, "kl").fn
    assert fn is not None
    return fn  # type: ignore[return-value]


@pytest.mark.parametrize("target", ["numpyro", "distrax", "tfp"])
def test_jax_target_matches_torch_at_moderate_values(target: str) -> None:
    """Away from the collapse regime every library agrees; the bridge passes JAX's vjp through."""
    pytest.importorskip({"numpyro": "numpyro", "distrax": "distrax", "tfp": "tensorflow_probability"}[target])
    found = kl.probe(run_fn(target))
    assert not isinstance(found, str)
    assert found.label("KL") == "+KL, sum over dims, per sample (B,)"
    grads = []
    for name in (target, "torch"):
        mu, v = MODERATE.clone().requires_grad_(True), MODERATE.flip(0).clone().requires_grad_(True)
        run_fn(name)(mu, v).sum().backward()
        grads.append(torch.cat([mu.grad, v.grad]))  # type: ignore[list-item]
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-12, atol=0)
