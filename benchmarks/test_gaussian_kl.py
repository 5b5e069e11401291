"""gaussian_kl(mu, logvar) -> (B,): +KL(N(mu, diag exp(logvar)) || N(0, I)) in nats, summed over D."""

from __future__ import annotations

from typing import Any

import cases
import oracles
import pytest
import torch
from floor import traffic

pytestmark = pytest.mark.benchmark(group="gaussian_kl")


@cases.parametrize(cases.LATENT_SHAPES)
def test_gaussian_kl(
    bench: Any, impl: str, mode: str, shape: tuple[int, int], target: tuple[str, torch.dtype]
) -> None:
    (B, D), (device, dtype) = shape, target
    mu, logvar = cases.latents(B, D, device, dtype, grad=mode == "fwdbwd")
    _, g_kl = cases.upstream(B, D, device, dtype)
    t = traffic("gaussian_kl", mode, B, D, itemsize=mu.element_size())
    out = bench("gaussian_kl", (mu, logvar), (g_kl,), t)
    oracles.check_gaussian_kl(out, mu, logvar, g_kl)
