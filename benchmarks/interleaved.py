"""Ratios measured interleaved: every implementation once per round, several rounds, minimum per side.

    python benchmarks/interleaved.py KERNEL SHAPES IMPLS [ROUNDS]
    python benchmarks/interleaved.py reparameterize_kl 4096x256,65536x512 impl,pure,eager,compiled 3

The same calls, inputs and checks-free steps as ``pytest benchmarks`` (``cases.make_step``), forward +
backward (kernels) or one step (train_step), float32 CPU. pytest-benchmark times one case after the
other, so on a shared machine a burst of someone else's load lands on one implementation only; here
each round visits every implementation within seconds and the minimum over rounds is compared.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import cases
import torch
import vae_kernels


def min_time(step: Callable[[], Any], budget_s: float) -> float:
    """Fastest of the calls made in ``budget_s`` seconds (at least 5), after 3 untimed ones."""
    for _ in range(3):
        step()
    best, deadline, calls = float("inf"), time.perf_counter() + budget_s, 0
    while time.perf_counter() < deadline or calls < 5:
        start = time.perf_counter()
        step()
        best, calls = min(best, time.perf_counter() - start), calls + 1
    return best


def steps(kernel: str, B: int, D: int, impls: list[str]) -> dict[str, Callable[[], Any]]:
    if kernel == "train_step":
        x, _ = cases.data(B, D, "cpu", torch.float32, False)
        args, upstream = (x,), None
    elif kernel == "neg_elbo":
        x, logits = cases.data(B, D, "cpu", torch.float32, True)
        args, upstream = (x, logits, *cases.latents(B, cases.LOSS_LATENTS, "cpu", torch.float32, True)), None
    else:
        args, (g_z, g_kl) = (
            cases.latents(B, D, "cpu", torch.float32, True),
            cases.upstream(B, D, "cpu", torch.float32),
        )
        upstream = {"gaussian_kl": g_kl, "reparameterize": g_z}.get(kernel, (g_z, g_kl))
    return {w: cases.make_step(vae_kernels.kernel(kernel, w, "cpu"), args, upstream) for w in impls}


def main(argv: list[str]) -> None:
    kernel, shapes, impls = argv[0], argv[1].split(","), argv[2].split(",")
    rounds = int(argv[3]) if len(argv) > 3 else 3
    for shape in shapes:
        B, D = (int(v) for v in shape.split("x"))
        budget = 0.4 if B * D < 1e6 else 2.0
        fns, best = steps(kernel, B, D, impls), {w: float("inf") for w in impls}
        for _ in range(rounds):
            for w, fn in fns.items():
                best[w] = min(best[w], min_time(fn, budget))
        times = "  ".join(f"{w}={best[w] * 1e6:.1f}us" for w in impls)
        ratios = " ".join(f"{w}:{best[w] / best['impl']:.2f}x" for w in impls if w != "impl")
        print(f"{kernel} {shape} {times}  | other / impl: {ratios}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
