"""python -m audit: exit 0 (all pass), 1 (a check fails), 2 (usage error: one line, no traceback, no file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from audit.cli import main

ROOT = Path(__file__).resolve().parents[1]

USER_FILE = '''
import torch


def my_kl(mu, logvar):
    """+KL per sample, written as the textbook does: cancels near logvar = 0."""
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)


def good_kl(mu, logvar):
    from impl import gaussian_kl
    return gaussian_kl(mu, logvar)


def no_args():
    return 0


not_callable = 3
'''


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "audit", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    path = tmp_path / "my_file.py"
    path.write_text(USER_FILE)
    return path


def test_impl_passes_with_exit_0_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "kl.json"
    run = cli("impl", "--quick", "--json", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    doc = json.loads(out.read_text())
    assert doc["passed"] is True
    assert doc["audits"][0]["verdict"] == "pass"
    assert "torch" in doc["versions"]
    assert doc["machine"]
    assert [p.name for p in tmp_path.iterdir()] == ["kl.json"]  # no temporary file left behind


def test_user_file_target_is_judged_with_exit_1(user_file: Path) -> None:
    run = cli(f"{user_file}:my_kl", "--quick")
    assert run.returncode == 1
    assert "FAIL" in run.stdout
    assert "value float32" in run.stdout
    assert "+KL, sum over dims, per sample (B,)" in run.stdout


def test_user_file_target_with_a_right_kl_passes(user_file: Path) -> None:
    assert main([f"{user_file}:good_kl", "--quick"]) == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["no-such-target"], "is not a built-in kl target"),
        (["no_such_module_xyz:f"], "cannot import no_such_module_xyz"),
        (["os:no_such_function"], "has no attribute"),
        (["missing/file.py:f"], "no such file"),
        (["{file}:no_args"], "calling f(mu, logvar)"),
        (["{file}:not_callable"], "not a function"),
        (["impl", "--kernel", "nope"], "invalid choice"),
        (["impl", "--json", "/no/such/dir/out.json"], "no directory"),
        (["impl", "--kernel", "reparameterize", "--figure", "{tmp}/x.png"], "use it with --kernel kl"),
        ([], "required"),
    ],
    ids=[
        "unknown",
        "module",
        "attribute",
        "file",
        "signature",
        "not-callable",
        "kernel",
        "dir",
        "fig",
        "none",
    ],
)
def test_usage_errors_exit_2_with_one_line_and_no_traceback(
    args: list[str], says: str, user_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a.format(file=user_file, tmp=tmp_path) for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("audit: ")
    assert says in err
    assert "Traceback" not in err


def test_usage_error_in_a_later_target_writes_no_file(tmp_path: Path) -> None:
    out = tmp_path / "kl.json"
    run = cli("impl", "os:getcwd", "--quick", "--json", str(out))
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert "Traceback" not in run.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_impl_passes_the_reparameterize_and_neg_elbo_kernels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["impl", "--kernel", "reparameterize", "--quick"]) == 0
    assert main(["impl", "--kernel", "neg-elbo", "--quick"]) == 0
    verdicts = [line.split()[-1] for line in capsys.readouterr().out.splitlines() if line.startswith("impl")]
    assert verdicts == ["pass", "pass"]


def test_a_skipped_builtin_does_not_fail_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from audit import builtins

    def missing() -> Callable[..., object]:
        raise ModuleNotFoundError("No module named 'pyro'", name="pyro")

    monkeypatch.setitem(builtins.KL, "pyro", builtins.Builtin(missing, "pyro", ("pyro-ppl",), "audit"))
    assert main(["pyro", "impl", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "skipped (pyro not installed (dependency group audit))" in out
    assert "1 of 2 targets pass; 0 fail; 1 skipped" in out
