"""reparameterize_kl(mu, logvar) -> (z, kl): the sample and +KL(q || N(0, I)) per row, in one call."""

from __future__ import annotations

from typing import Any

import cases
import oracles
import pytest
import torch
from floor import traffic

pytestmark = pytest.mark.benchmark(group="reparameterize_kl")


@cases.parametrize(cases.LATENT_SHAPES)
def test_reparameterize_kl(
    bench: Any, impl: str, mode: str, shape: tuple[int, int], target: tuple[str, torch.dtype]
) -> None:
    (B, D), (device, dtype) = shape, target
    mu, logvar = cases.latents(B, D, device, dtype, grad=mode == "fwdbwd")
    g_z, g_kl = cases.upstream(B, D, device, dtype)
    t = traffic("reparameterize_kl", mode, B, D, itemsize=mu.element_size())
    out = bench("reparameterize_kl", (mu, logvar), (g_z, g_kl), t)
    oracles.check_reparameterize_kl(out, mu, logvar, g_z, g_kl)
