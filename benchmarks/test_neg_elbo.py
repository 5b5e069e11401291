"""neg_elbo(x, logits, mu, logvar) -> (): -ELBO in nats with a Bernoulli decoder, summed over the batch.

Data (B, 784) as in pytorch/examples' MNIST VAE, with 20 latents. The eager variant applies the decoder's
final ``sigmoid`` inside the timed call, since the other three take the logits.
"""

from __future__ import annotations

from typing import Any

import cases
import oracles
import pytest
import torch
from floor import traffic
from vae_kernels import VARIANTS

pytestmark = pytest.mark.benchmark(group="neg_elbo")


@cases.parametrize(cases.DATA_SHAPES, impls=VARIANTS["neg_elbo"])
def test_neg_elbo(
    bench: Any, impl: str, mode: str, shape: tuple[int, int], target: tuple[str, torch.dtype]
) -> None:
    (B, P), (device, dtype), D = shape, target, cases.LOSS_LATENTS
    grad = mode == "fwdbwd"
    x, logits = cases.data(B, P, device, dtype, grad)
    mu, logvar = cases.latents(B, D, device, dtype, grad)
    t = traffic("neg_elbo", mode, B, D, P, itemsize=mu.element_size())
    out = bench("neg_elbo", (x, logits, mu, logvar), None, t)
    oracles.check_neg_elbo(out, x, logits, mu, logvar)
