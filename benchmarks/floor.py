"""The hardware floor of each kernel: the bytes it must move and the normal noise it must draw.

Traffic model (bytes at the kernel's dtype; B-sized vectors counted, scalars ignored). The forward reads
its inputs once and writes its outputs once; the backward reads the upstream gradients and the inputs it
differentiates with respect to, and writes their gradients. Saved intermediates (eps, std) are not
counted: a kernel that regenerates eps from a counter-based generator (Philox) does not need them.

=================  =============================  ===================================================
kernel             forward (elements)             forward + backward (elements)
=================  =============================  ===================================================
reparameterize     mu, logvar -> z: 3BD           + g_z, mu, logvar -> g_mu, g_logvar: 8BD
gaussian_kl        mu, logvar -> kl: 2BD + B      + g_kl, mu, logvar -> g_mu, g_logvar: 6BD + 2B
reparameterize_kl  -> z, kl: 3BD + B              + g_z, g_kl, mu, logvar -> g_mu, g_logvar: 8BD + 2B
neg_elbo           x, logits, mu, logvar: 2BP+2BD + x, logits, mu, logvar -> g_logits, g_mu, g_logvar:
                                                  5BP + 6BD (x has no gradient)
=================  =============================  ===================================================

train_step (mode "step", pytorch/examples' 784-400-20 VAE): 10 passes over its parameters, a lower bound
(forward reads the weights, backward reads them and writes their gradients, Adam reads parameter,
gradient and both moments and writes parameter and moments); activations are not counted.

The floor of one call is ``copy_s(bytes) + normal_s(noise)``: a copy that moves the same number of bytes
(reads half, writes half) between buffers that already exist (no page faults), plus ``normal_`` into an
existing buffer of B*D elements for the kernels that draw eps. Both are measured in the same process as
the kernel, minimum over rounds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import torch

NOISY_KERNELS = ("reparameterize", "reparameterize_kl")


@dataclass(frozen=True)
class Traffic:
    """What one call of a kernel must move: ``elements`` per tensor, ``bytes_moved`` and ``noise``."""

    elements: int  # elements of the kernel's inputs: B*D, or B*P + B*D for the loss
    bytes_moved: int  # bytes read plus bytes written, as in the table above
    noise: int  # normal samples drawn per call (B*D or 0)


def traffic(kernel: str, mode: str, B: int, D: int, P: int = 0, itemsize: int = 4) -> Traffic:
    """The model above for ``kernel`` in ``mode`` ("fwd" or "fwdbwd"): batch B, latents D, pixels P."""
    bd, bp = B * D, B * P
    table = {
        ("reparameterize", "fwd"): 3 * bd,
        ("reparameterize", "fwdbwd"): 8 * bd,
        ("gaussian_kl", "fwd"): 2 * bd + B,
        ("gaussian_kl", "fwdbwd"): 6 * bd + 2 * B,
        ("reparameterize_kl", "fwd"): 3 * bd + B,
        ("reparameterize_kl", "fwdbwd"): 8 * bd + 2 * B,
        ("neg_elbo", "fwd"): 2 * bp + 2 * bd,
        ("neg_elbo", "fwdbwd"): 5 * bp + 6 * bd,
    }
    hidden = 400  # pytorch/examples' VAE: 784-400-2x20 encoder, 20-400-784 decoder
    params = (P * hidden + hidden) + 2 * (hidden * D + D) + (D * hidden + hidden) + (hidden * P + P)
    table["train_step", "step"] = 10 * params
    if (kernel, mode) not in table:
        raise ValueError(f"kernel and mode must be one of {sorted(table)}, got {(kernel, mode)}")
    noise = bd if kernel in NOISY_KERNELS else 0
    return Traffic(elements=bd + bp, bytes_moved=table[kernel, mode] * itemsize, noise=noise)


def synchronize(device: str) -> None:
    """Wait for queued CUDA work, so that a timer read afterwards includes it; no-op on CPU."""
    if device.startswith("cuda"):
        torch.cuda.synchronize(device)


def min_time(fn: Callable[[], object], device: str, budget_s: float = 0.3, min_rounds: int = 5) -> float:
    """Minimum wall time of ``fn()`` in seconds, over at least ``min_rounds`` rounds or ``budget_s``.

    One untimed call first (warm-up); every timed call ends with a device synchronisation.
    """
    fn()
    synchronize(device)
    best, spent, rounds = float("inf"), 0.0, 0
    while rounds < min_rounds or spent < budget_s:
        start = time.perf_counter()
        fn()
        synchronize(device)
        elapsed = time.perf_counter() - start
        best, spent, rounds = min(best, elapsed), spent + elapsed, rounds + 1
    return best


@cache
def copy_s(nbytes: int, device: str) -> float:
    """Seconds to copy nbytes / 2 bytes into an existing buffer: nbytes moved in all (read + write)."""
    src = torch.ones(max(nbytes // 2, 1), dtype=torch.uint8, device=device)
    dst = torch.empty_like(src)
    return min_time(lambda: dst.copy_(src), device)


@cache
def normal_s(n: int, dtype: torch.dtype, device: str) -> float:
    """Seconds to fill an existing buffer of n elements with N(0, 1) noise (``normal_``); 0 if n = 0."""
    if n == 0:
        return 0.0
    buf = torch.empty(n, dtype=dtype, device=device)
    generator = torch.Generator(device=device).manual_seed(0)
    return min_time(lambda: buf.normal_(generator=generator), device)


def floor_info(t: Traffic, seconds: float, dtype: torch.dtype, device: str) -> dict[str, float | int]:
    """extra_info for one benchmark: traffic, the floor's parts, effective GB/s and time / floor."""
    copy, noise = copy_s(t.bytes_moved, device), normal_s(t.noise, dtype, device)
    return {
        "elements": t.elements,
        "bytes_moved": t.bytes_moved,
        "noise": t.noise,
        "floor_copy_s": copy,
        "floor_normal_s": noise,
        "floor_s": copy + noise,
        "copy_gbps": t.bytes_moved / copy / 1e9,
        "effective_gbps": t.bytes_moved / seconds / 1e9,
        "ratio_to_floor": seconds / (copy + noise),
    }
