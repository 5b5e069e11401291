"""reparameterize(mu, logvar) -> z = mu + exp(logvar / 2) * eps, eps ~ N(0, I) drawn inside the call."""

from __future__ import annotations

from typing import Any

import cases
import oracles
import pytest
import torch
from floor import traffic

pytestmark = pytest.mark.benchmark(group="reparameterize")


@cases.parametrize(cases.LATENT_SHAPES)
def test_reparameterize(
    bench: Any, impl: str, mode: str, shape: tuple[int, int], target: tuple[str, torch.dtype]
) -> None:
    (B, D), (device, dtype) = shape, target
    mu, logvar = cases.latents(B, D, device, dtype, grad=mode == "fwdbwd")
    g_z, _ = cases.upstream(B, D, device, dtype)
    t = traffic("reparameterize", mode, B, D, itemsize=mu.element_size())
    out = bench("reparameterize", (mu, logvar), (g_z,), t)
    oracles.check_reparameterize(out, mu, logvar, g_z)
