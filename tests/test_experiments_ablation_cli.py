"""``python -m experiments.ablation`` on bad command lines: one line on stderr, exit status 2, before any
training, and no output file left behind (the science of the run is in test_experiments_ablation.py)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from experiments import ablation


def _file(tmp: Path, name: str, content: bytes = b"not an archive") -> str:
    (tmp / name).write_bytes(content)
    return str(tmp / name)


def _zip(tmp: Path, name: str) -> str:
    with zipfile.ZipFile(tmp / name, "w") as archive:
        archive.writestr("x.txt", "not an array")
    return str(tmp / name)


def _npz(tmp: Path, name: str, **arrays: Any) -> str:
    np.savez(tmp / name, **arrays)
    return str(tmp / name)


BAD: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "unknown-option": (lambda t: ["--colour"], "unrecognized arguments: --colour"),
    "negative-seed": (lambda t: ["--seed", "-1"], "--seed"),
    "json-under-a-file": (lambda t: ["--json", _file(t, "f") + "/r.json"], "is a file, not a directory"),
    "json-is-a-directory": (lambda t: ["--json", str(t)], "is a directory"),
    "figure-is-a-directory": (lambda t: ["--figure", str(t)], "is a directory"),
    "data-missing": (lambda t: ["--data", str(t / "absent.npz")], "no such file"),
    "data-is-a-directory": (lambda t: ["--data", str(t)], "is a directory"),
    "data-not-npz": (lambda t: ["--data", _file(t, "d.npz")], "not an .npz archive"),
    "data-is-npy": (lambda t: ["--data", _file(t, "d.npy", b"\x93NUMPY\x01\x00")], "not an .npz archive"),
    "data-zip-not-npz": (lambda t: ["--data", _zip(t, "z.npz")], "not numpy arrays"),
    "data-pickled": (lambda t: ["--data", _npz(t, "p.npz", x=np.array([{}, {}]))], "allow_pickle"),
    "data-wrong-shape": (lambda t: ["--data", _npz(t, "s.npz", x=np.zeros(4))], "shape"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_command_line_is_one_line_exit_2_and_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_args, message = BAD[case]
    args = ["--quick", "--no-progress", "--json", str(tmp_path / "out.json"), *make_args(tmp_path)]
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(SystemExit) as exit_:
        ablation.main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m experiments.ablation: error: ")
    assert err.count("\n") == 1, err
    assert message in err
    assert sorted(tmp_path.rglob("*")) == before, "no output file left behind"


def test_the_real_command_line_shows_no_traceback(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "experiments.ablation", "--quick", "--json", str(tmp_path / "out.json"),
         "--data", str(tmp_path / "absent.npz")],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
