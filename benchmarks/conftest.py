"""pytest-benchmark harness for the VAE kernels: timing against the floor, checks, skips, the summary.

``bench(kernel, args, upstream, traffic)`` times one case with ``benchmark.pedantic``: one untimed call
(warm-up; compiles torch.compile'd code), one call to size the run, then as many rounds as fit in
``--bench-budget`` seconds (at least 3, of which a fifth more are warm-up). On CUDA the timed call ends with
``torch.cuda.synchronize()``. The result of the last timed call is returned for the test to check, and
``extra_info`` gets the traffic, the floor measured in this process (``floor.py``) and time / floor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import cases
import floor
import pytest
import summary
import torch
import vae_kernels

RECORDS = pytest.StashKey[list[dict[str, Any]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("vae benchmarks")
    group.addoption("--bench-budget", type=float, default=1.0, help="seconds of timed rounds per case")
    group.addoption("--bench-summary", default=None, help="also write the end-of-run summary to this path")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "gate: the regression gate's subset (impl, small shapes, CPU)")
    # torch.compile imports torch.utils.mkldnn, which warns from torch's own code (torch 2.13).
    config.addinivalue_line(
        "filterwarnings", "ignore:`torch.jit.script_method` is deprecated:DeprecationWarning"
    )
    config.stash[RECORDS] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip CUDA cases without a GPU and heavy cases when timing is off; mark the gate's subset."""
    timing_off = config.getoption("benchmark_disable")
    for item in items:
        params = item.callspec.params  # type: ignore[attr-defined]
        device, shape, impl = params["target"][0], params["shape"], params["impl"]
        if device == "cuda" and not torch.cuda.is_available():
            item.add_marker(pytest.mark.skip(reason="no CUDA device"))
        elif timing_off and (shape in cases.HEAVY or (impl == "compiled" and shape not in cases.SMALL)):
            item.add_marker(pytest.mark.skip(reason="correctness-only run: heavy or compile-bound case"))
        timed_too_long = item.originalname == "test_train_step"  # ~10 ms calls: preempted on a busy machine
        if impl == "impl" and shape in cases.GATE and device == "cpu" and not timed_too_long:
            item.add_marker(pytest.mark.gate)


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict[str, Any]) -> None:
    machine_info["vae_bench"] = summary.environment()


def pytest_benchmark_update_json(config: pytest.Config, benchmarks: Any, output_json: dict[str, Any]) -> None:
    """Keep the statistics, drop the per-round timings (up to 20 000 per case): results stay small."""
    for bench in output_json["benchmarks"]:
        bench["stats"].pop("data", None)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    records = config.stash[RECORDS]
    if records:
        text = summary.render(records, summary.environment())
        terminalreporter.write("\n" + text)
        if config.getoption("bench_summary"):
            with open(config.getoption("bench_summary"), "w") as f:
                f.write(text)


def estimate(timed: Callable[[], Any]) -> float:
    """Seconds per call, to size the run: one call, or the fastest of five if that one took < 0.1 s."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        timed()
        best = min(best, time.perf_counter() - start)
        if best >= 0.1:
            break
    return best


def slowed(timed: Callable[[], Any], device: str) -> Callable[[], Any]:
    """Gate self-test only: each call, then a spin for half the call's minimum time (measured here first),
    so the case is 1.5x as slow whatever its size; extra work on half the batch would cost more than half
    where per-call overhead dominates."""
    extra = 0.5 * floor.min_time(timed, device, budget_s=0.2)

    def call() -> Any:
        out = timed()
        deadline = time.perf_counter() + extra
        while time.perf_counter() < deadline:
            pass
        return out

    return call


@pytest.fixture
def bench(benchmark: Any, request: pytest.FixtureRequest) -> Callable[..., Any]:
    params = request.node.callspec.params
    impl, mode, (device, dtype) = params["impl"], params["mode"], params["target"]
    budget = request.config.getoption("bench_budget")

    def run(kernel: str, args: tuple[torch.Tensor, ...], upstream: Any, traffic: floor.Traffic) -> Any:
        fn = vae_kernels.kernel(kernel, impl, device)
        step = cases.make_step(fn, args, upstream)
        torch.manual_seed(0)  # the noise drawn inside the kernels, for reproducible checks
        if benchmark.disabled:  # one untimed call, for the check
            return benchmark.pedantic(step)

        def timed() -> Any:
            out = step()
            floor.synchronize(device)
            return out

        timed()
        call = slowed(timed, device) if vae_kernels.planted(kernel, impl) else timed
        rounds = max(3, min(20_000, int(budget / estimate(call))))
        out = benchmark.pedantic(call, rounds=rounds, warmup_rounds=rounds // 5, iterations=1)
        stats = benchmark.stats.stats
        benchmark.extra_info.update(
            kernel=kernel,
            impl=impl,
            mode=mode,
            shape=cases.shape_id(params["shape"]),
            device=device,
            dtype=str(dtype).removeprefix("torch."),
            planted_slowdown=vae_kernels.planted(kernel, impl),
            **floor.floor_info(traffic, stats.min, dtype, device),
        )
        record = {**benchmark.extra_info, "min_s": stats.min, "median_s": stats.median}
        request.config.stash[RECORDS].append(record)
        return out

    return run
