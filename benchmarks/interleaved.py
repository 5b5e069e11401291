"""Ratios measured interleaved: every implementation once per round, several rounds, minimum per side.

    python benchmarks/interleaved.py KERNEL SHAPES IMPLS [ROUNDS]
    python benchmarks/interleaved.py reparameterize_kl 4096x256,65536x512 impl,pure,eager,compiled 3

The same calls, inputs and checks-free steps as ``pytest benchmarks`` (``cases.make_step``), forward +
backward (kernels) or one step (train_step), float32 CPU. pytest-benchmark times one case after the
other, so on a shared machine a burst of someone else's load lands on one implementation only; here
each round visits every implementation within seconds and the minimum over rounds is compared.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import cases
import cli
import torch
import train_step
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
    args: tuple[torch.Tensor, ...]
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


def shape(text: str) -> tuple[int, int]:
    """``BxD`` with B, D >= 1."""
    try:
        B, D = (cli.natural(v) for v in text.split("x"))
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(f"expected BxD with integers >= 1, got {text!r}") from None
    return B, D


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.parser("interleaved", __doc__)
    parser.add_argument("kernel", choices=vae_kernels.KERNELS)
    parser.add_argument("shapes", type=lambda t: [shape(v) for v in t.split(",")], help="BxD,BxD,...")
    parser.add_argument("impls", type=lambda t: t.split(","), help="impl,eager,...: impl and its rivals")
    parser.add_argument("rounds", type=cli.natural, nargs="?", default=3)
    args = parser.parse_args(argv)
    kernel, impls = args.kernel, args.impls
    if "impl" not in impls or not set(impls) <= set(vae_kernels.VARIANTS[kernel]):
        parser.error(f"IMPLS must include impl and name only {','.join(vae_kernels.VARIANTS[kernel])}")
    if kernel == "train_step" and any(D != train_step.PIXELS for _, D in args.shapes):
        parser.error(f"a train_step shape is Bx{train_step.PIXELS} (pytorch/examples' 784 pixels)")
    for B, D in args.shapes:
        budget = 0.4 if B * D < 1e6 else 2.0
        fns, best = steps(kernel, B, D, impls), {w: float("inf") for w in impls}
        for _ in range(args.rounds):
            for w, fn in fns.items():
                best[w] = min(best[w], min_time(fn, budget))
        times = "  ".join(f"{w}={best[w] * 1e6:.1f}us" for w in impls)
        ratios = " ".join(f"{w}:{best[w] / best['impl']:.2f}x" for w in impls if w != "impl")
        print(f"{kernel} {B}x{D} {times}  | other / impl: {ratios}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
