"""The benchmark axes (shape, mode, device and dtype) and the inputs, built with a fixed seed.

Inputs are drawn on the CPU with ``torch.Generator().manual_seed(seed)`` and then moved, so every device
and implementation sees the same numbers. mu ~ N(0, 1), logvar ~ U(-2, 1), x ~ Bernoulli(1/2) in {0, 1}
(binarised pixels, which ``torch.distributions.Bernoulli`` validates), logits ~ N(0, 4).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
import torch
from vae_kernels import VARIANTS

F = TypeVar("F", bound=Callable[..., object])
Step = Callable[[], tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]]

#: (B, D) for the latent kernels: the VAE's (batch, latents), then bandwidth-bound sizes.
LATENT_SHAPES = ((16, 8), (128, 20), (1024, 64), (4096, 256), (65536, 512))
#: (B, P) data for the loss, P = 784 pixels (28x28 MNIST), with D = 20 latents as in pytorch/examples.
DATA_SHAPES = ((128, 784), (1024, 784), (4096, 784), (32768, 784))
#: The training step's batch: pytorch/examples' batch size 128.
STEP_SHAPES = ((128, 784),)
LOSS_LATENTS = 20
#: Shapes too heavy for the correctness-only run (``--benchmark-disable``): about 1-3 s per eager call.
HEAVY = {(65536, 512), (32768, 784)}
#: The only shapes whose torch.compile cases run when timing is off (each compile costs seconds).
SMALL = {(16, 8), (128, 20), (128, 784)}
#: Shapes the regression gate times (``-m gate``): calls well under the scheduler's time slice (~1 ms), so
#: the minimum over thousands of rounds is an uninterrupted call even on a busy shared machine; at
#: (4096, 256) calls of 5-25 ms were preempted in every round under load 2 on 2 cores (min off by 50%).
GATE = {(128, 20), (128, 784)}

MODES = ("fwd", "fwdbwd")  # forward without autograd; forward + backward with the inputs' gradients
#: Benchmarked by default: float32 on the CPU and on CUDA (skipped without a GPU), bfloat16 on CUDA.
TARGETS = (("cpu", torch.float32), ("cuda", torch.float32), ("cuda", torch.bfloat16))


def shape_id(shape: tuple[int, int]) -> str:
    return f"{shape[0]}x{shape[1]}"


def target_id(target: tuple[str, torch.dtype]) -> str:
    return f"{target[0]}-{str(target[1]).removeprefix('torch.')}"


def _put(t: torch.Tensor, device: str, dtype: torch.dtype, grad: bool) -> torch.Tensor:
    return t.to(device=device, dtype=dtype).requires_grad_(grad)


def latents(
    B: int, D: int, device: str, dtype: torch.dtype, grad: bool, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """(mu, logvar), each (B, D), requiring grad if ``grad``."""
    g = torch.Generator().manual_seed(seed)
    mu = torch.randn(B, D, generator=g)
    logvar = 3 * torch.rand(B, D, generator=g) - 2
    return _put(mu, device, dtype, grad), _put(logvar, device, dtype, grad)


def data(
    B: int, P: int, device: str, dtype: torch.dtype, grad: bool, seed: int = 1
) -> tuple[torch.Tensor, ...]:
    """(x, logits), each (B, P): binarised pixels (never requiring grad) and decoder logits."""
    g = torch.Generator().manual_seed(seed)
    x = torch.bernoulli(torch.full((B, P), 0.5), generator=g)
    logits = 2 * torch.randn(B, P, generator=g)
    return _put(x, device, dtype, False), _put(logits, device, dtype, grad)


def upstream(
    B: int, D: int, device: str, dtype: torch.dtype, seed: int = 2
) -> tuple[torch.Tensor, torch.Tensor]:
    """Incoming gradients (g_z (B, D) ~ N(0, 1), g_kl (B,) ~ U(0.5, 1.5)), as a training step would pass."""
    g = torch.Generator().manual_seed(seed)
    g_z = torch.randn(B, D, generator=g)
    g_kl = torch.rand(B, generator=g) + 0.5
    return _put(g_z, device, dtype, False), _put(g_kl, device, dtype, False)


def parametrize(
    shapes: tuple[tuple[int, int], ...],
    impls: tuple[str, ...] = VARIANTS["reparameterize_kl"],
    modes: tuple[str, ...] = MODES,
) -> Callable[[F], F]:
    """The four named axes, giving ids like ``impl-fwdbwd-128x20-cpu-float32``."""

    marks = (
        pytest.mark.parametrize("impl", impls),
        pytest.mark.parametrize("mode", modes),
        pytest.mark.parametrize("shape", shapes, ids=shape_id),
        pytest.mark.parametrize("target", TARGETS, ids=target_id),
    )

    def decorate(test: F) -> F:
        for mark in marks:
            test = mark(test)
        return test

    return decorate


def make_step(fn: Callable[..., Any], args: tuple[torch.Tensor, ...], upstream: Any) -> Step:
    """One training-style call: outputs, then (if any input requires grad) autograd.grad of them."""
    wrt = tuple(a for a in args if a.requires_grad)

    def step() -> tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]:
        out = fn(*args)
        outs = out if isinstance(out, tuple) else (out,)
        return outs, torch.autograd.grad(outs, wrt, upstream) if wrt else ()

    return step
