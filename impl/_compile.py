"""torch.compile where it pays: the fused kernels on tensors of ``COMPILE_FROM`` elements or more.

Measured here (shared 2-core CPU, forward + backward of reparameterize_kl): compiled is 1.4x slower than
eager at (128, 20), where its per-call guards and dispatch outweigh the work, and 1.8x faster at (256, 256),
where one fused loop replaces some twenty passes over memory. Below ``PARALLEL_FROM`` elements the compiled
loops run on one thread: with OMP_WAIT_POLICY=PASSIVE, waking the second OpenMP worker cost more than it
saved. Where compiling fails (no C compiler, no Triton) the same Python function runs eagerly.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import torch

#: Elements from which the compiled kernels are used; set it to ``float("inf")`` to stay eager.
COMPILE_FROM: float = 1 << 16
#: Elements from which the compiled kernels may use every OpenMP thread.
PARALLEL_FROM = 1 << 20
_compiled: dict[tuple[Callable[..., Any], bool], Callable[..., Any]] = {}
_failed: list[str] = []


def uses_compiled(t: torch.Tensor) -> bool:
    """Whether a kernel on ``t`` runs compiled (large enough, and compiling has not failed here)."""
    return t.numel() >= COMPILE_FROM and not _failed


def _compiled_fn(fn: Callable[..., Any], parallel: bool) -> Callable[..., Any]:
    if (fn, parallel) not in _compiled:
        options: dict[str, str | int | bool | Callable[..., Any]] = {} if parallel else {"cpp.threads": 1}
        _compiled[fn, parallel] = torch.compile(fn, dynamic=True, options=options)
    return _compiled[fn, parallel]


def call(fn: Callable[..., Any], compiled: bool, *args: Any) -> Any:
    """``fn(*args)``, through ``torch.compile`` if ``compiled``; eager for good (with a RuntimeWarning) if
    compiling fails. torch's own warnings while compiling are not the caller's: silenced."""
    if compiled and not _failed:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                # Dynamo reads .grad of non-leaf inputs while tracing; under `-W error` that would abort
                # compiling (found by tests/test_readme.py with pytest's filterwarnings = error).
                warnings.filterwarnings("ignore", "The .grad attribute of a Tensor that is not a leaf")
                size = max(a.numel() for a in args if isinstance(a, torch.Tensor))
                return _compiled_fn(fn, size >= PARALLEL_FROM)(*args)
        except Exception as err:  # the compiler or its toolchain, not the math: eager computes the same
            _failed.append(repr(err))
            warnings.warn(f"torch.compile failed, impl runs eagerly ({err!r:.200})", RuntimeWarning, 2)
    return fn(*args)
