"""audit.targets and audit.builtins: how TARGET strings resolve, and that the checks never import impl."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from audit import builtins, transcribed
from audit.builtins import Builtin
from audit.targets import UsageError, resolve

ROOT = Path(__file__).resolve().parents[1]


def test_module_function_target_resolves() -> None:
    target = resolve("audit.transcribed:keras_io", "kl")
    assert target.fn is transcribed.keras_io
    assert not target.skipped
    assert target.versions["torch"]


def test_file_function_target_resolves(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("def kl(mu, logvar):\n    return mu\n")
    target = resolve(f"{tmp_path}/mine.py:kl", "kl")
    assert target.fn is not None
    assert target.fn.__name__ == "kl"


def test_file_that_raises_on_import_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom\\nsecond line')\n")
    with pytest.raises(UsageError, match=r"importing it raised RuntimeError: boom$"):
        resolve(f"{tmp_path}/broken.py:kl", "kl")


def test_builtin_whose_package_is_missing_is_skipped_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    def load() -> Callable[..., object]:
        raise ModuleNotFoundError("No module named 'pyro'", name="pyro")

    monkeypatch.setitem(builtins.KL, "pyro", Builtin(load, "pyro", ("pyro-ppl",), "audit"))
    target = resolve("pyro", "kl")
    assert target.fn is None
    assert target.skipped == "pyro not installed (dependency group audit)"


def test_every_transcription_cites_repository_file_and_full_commit() -> None:
    for name, (repo, path, commit, what) in transcribed.SOURCES.items():
        assert "/" in repo
        assert path.endswith(".py")
        assert len(commit) == 40
        assert what
        assert builtins.KL[name].source.startswith("transcribed: ")
        assert name in transcribed.KL


def test_auditing_other_targets_never_imports_impl() -> None:
    code = "import sys, audit; audit.run('pytorch-examples', quick=True); print('impl' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert run.stdout.strip() == "False", run.stderr
