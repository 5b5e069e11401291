"""The benchmark harness's own logic, without timing: its checks can fail, its gate flags what it should.

The timed self-test of the gate (same code twice passes, a planted 1.5x slowdown fails) is a run, not a
unit test: ``nox -s bench_compare -- --selftest``, recorded in benchmarks/results/gate-selftest.txt.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import torch

sys.path.append(str(Path(__file__).resolve().parents[1] / "benchmarks"))  # after tests/: conftest stays ours

import cases
import floor
import gate
import oracles
import summary
import train_step
import vae_kernels

B, D = 256, 16


def run(fn: object, args: tuple[torch.Tensor, ...], upstream: object) -> oracles.Result:
    return cases.make_step(fn, args, upstream)()  # type: ignore[arg-type]


def wrong_std(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """A planted error: std = exp(logvar) instead of exp(logvar / 2)."""
    return mu + torch.randn_like(mu) * torch.exp(logvar)


def no_grad_through_std(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """A planted error: right samples, but no gradient reaches logvar (as with torch.normal(mu, std))."""
    return mu + torch.randn_like(mu) * torch.exp(logvar / 2).detach() + 0 * logvar


def wrong_half(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """A planted error: the KL without its factor 1/2."""
    return -torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)


def test_reparameterize_kl_moves_about_32_bytes_per_element() -> None:
    # PERF_NOTES (measured independently): ~32 bytes/element for reparameterize + KL forward + backward.
    t = floor.traffic("reparameterize_kl", "fwdbwd", 65536, 512)
    assert t.bytes_moved / t.elements == pytest.approx(32, rel=1e-2)
    assert t.noise == t.elements


def test_traffic_rejects_unknown_kernel_or_mode() -> None:
    with pytest.raises(ValueError, match="kernel and mode"):
        floor.traffic("reparameterize_kl", "backward", B, D)


@pytest.mark.parametrize("impl", ["eager", "distributions", "pure", "bce_logits"])
def test_reference_implementations_pass_the_checks(impl: str) -> None:
    mu, logvar = cases.latents(B, D, "cpu", torch.float32, grad=True)
    g_z, g_kl = cases.upstream(B, D, "cpu", torch.float32)
    if impl != "bce_logits":  # a loss only
        fn = vae_kernels.kernel("reparameterize_kl", impl, "cpu")
        oracles.check_reparameterize_kl(run(fn, (mu, logvar), (g_z, g_kl)), mu, logvar, g_z, g_kl)
    x, logits = cases.data(B, 784, "cpu", torch.float32, grad=True)
    loss = vae_kernels.kernel("neg_elbo", impl, "cpu")
    oracles.check_neg_elbo(run(loss, (x, logits, mu, logvar), None), x, logits, mu, logvar)


def test_train_step_variants_compute_the_same_loss_and_update() -> None:
    """From the same weights and noise, every variant's loss and updated weights agree: the train_step
    table compares the cost of one computation, not of four."""
    x, _ = cases.data(32, train_step.PIXELS, "cpu", torch.float32, grad=False)
    initial = train_step.model_and_optimizer("cpu")[0].fc4.weight.detach().clone()
    losses, weights = {}, {}
    for which in vae_kernels.VARIANTS["train_step"]:
        step = train_step.step(which, "cpu")
        torch.manual_seed(1)  # the noise eps
        losses[which], weights[which] = step(x), step.model.fc4.weight.detach()
    assert not torch.equal(weights["impl"], initial)
    for which in losses:
        torch.testing.assert_close(losses[which], losses["eager"], rtol=1e-5, atol=0, msg=which)
        torch.testing.assert_close(weights[which], weights["eager"], rtol=1e-4, atol=1e-6, msg=which)


def test_wrong_std_fails_the_noise_check() -> None:
    torch.manual_seed(0)
    mu, logvar = cases.latents(B, D, "cpu", torch.float32, grad=False)
    with pytest.raises(AssertionError, match="noise variance"):
        oracles.check_reparameterize(run(wrong_std, (mu, logvar), None), mu, logvar, mu)


def test_missing_gradient_through_std_fails_the_check() -> None:
    torch.manual_seed(0)
    mu, logvar = cases.latents(B, D, "cpu", torch.float32, grad=True)
    g_z, _ = cases.upstream(B, D, "cpu", torch.float32)
    with pytest.raises(AssertionError, match="grad logvar"):
        oracles.check_reparameterize(run(no_grad_through_std, (mu, logvar), (g_z,)), mu, logvar, g_z)


def test_kl_without_its_half_fails_the_check() -> None:
    mu, logvar = cases.latents(B, D, "cpu", torch.float32, grad=False)
    with pytest.raises(AssertionError, match="kl"):
        oracles.check_gaussian_kl(run(wrong_half, (mu, logvar), None), mu, logvar, mu)


def test_planted_slowdown_applies_only_to_the_named_kernels_impl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(vae_kernels.SLOWDOWN_ENV, "reparameterize_kl")
    assert vae_kernels.planted("reparameterize_kl", "impl")
    assert not vae_kernels.planted("reparameterize_kl", "eager")
    assert not vae_kernels.planted("gaussian_kl", "impl")
    monkeypatch.delenv(vae_kernels.SLOWDOWN_ENV)
    assert not vae_kernels.planted("reparameterize_kl", "impl")


def write_run(storage: Path, name: str, mins: dict[str, float]) -> None:
    runs = [{"fullname": f"benchmarks/t.py::{case}", "stats": {"min": m}} for case, m in mins.items()]
    (storage / f"{name}.json").write_text(json.dumps({"benchmarks": runs}))


def test_gate_report_flags_only_cases_over_the_threshold(tmp_path: Path) -> None:
    write_run(tmp_path, "base", {"a": 1.0, "b": 2.0, "c": 1.0})
    write_run(tmp_path, "change", {"a": 1.2, "b": 3.0, "c": 0.5})
    lines, flagged = gate.report(tmp_path, "change", 1, threshold=25)
    assert flagged == {"benchmarks/t.py::b"}
    assert "   1.500  REGRESSED  b" in lines


def test_summary_says_by_how_much_a_target_is_missed() -> None:
    assert "MISSED by 20%" in summary.verdict("x", 1.8, 1.5, lambda v, b: v <= b, "why")
    assert summary.verdict("x", 1.2, 1.5, lambda v, b: v <= b, "why") == "x: met (1.20)"
    assert summary.verdict("x", None, 1.5, lambda v, b: v <= b, "why") == "x: not measured in this run"
