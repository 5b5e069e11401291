"""train_step(x) -> (): one Adam step of pytorch/examples' VAE on a batch (128, 784), per loss variant.

Every variant trains its own model from the same weights on the same batch; the timed call is the whole
step (forward, loss, backward, optimiser), so the table shows what the loss kernels are worth in a loop.
"""

from __future__ import annotations

from typing import Any

import cases
import pytest
import torch
from floor import traffic
from vae_kernels import VARIANTS

pytestmark = pytest.mark.benchmark(group="train_step")


@cases.parametrize(cases.STEP_SHAPES, impls=VARIANTS["train_step"], modes=("step",))
def test_train_step(
    bench: Any, impl: str, mode: str, shape: tuple[int, int], target: tuple[str, torch.dtype]
) -> None:
    (B, P), (device, dtype) = shape, target
    if dtype != torch.float32:
        pytest.skip("the model trains in float32")
    x, _ = cases.data(B, P, device, dtype, grad=False)
    t = traffic("train_step", mode, B, cases.LOSS_LATENTS, P, itemsize=x.element_size())
    (loss,), _ = bench("train_step", (x,), None, t)
    assert torch.isfinite(loss)
    assert loss.item() > 0
