"""The benchmark scripts on bad command lines: one line on stderr, exit status 2, before anything is timed,
and no output file left behind (what they measure is in test_bench_gate.py and the benchmark runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "benchmarks"))  # after tests/: conftest stays ours

import gate
import interleaved
import scaling
import summary

BENCH = Path(gate.__file__).parent
RUN = BENCH / "results" / "native-cpu-default.json"
Args = Callable[[Path], list[str]]


def _file(tmp: Path, name: str, content: str = "not json {") -> str:
    (tmp / name).write_text(content)
    return str(tmp / name)


def _json(tmp: Path, name: str, data: object) -> str:
    return _file(tmp, name, json.dumps(data))


def _dirs(tmp: Path, *names: str) -> str:
    """A directory holding directories where files are wanted (either allocator's name)."""
    for name in names:
        (tmp / "out" / name).mkdir(parents=True)
    return str(tmp / "out")


BAD: dict[str, tuple[ModuleType, Args, str]] = {
    "gate-unknown-option": (gate, lambda t: ["--colour"], "unrecognized arguments: --colour"),
    "gate-negative-threshold": (gate, lambda t: ["--threshold", "-5"], "--threshold"),
    "gate-budget-not-a-number": (gate, lambda t: ["--budget", "soon"], "--budget"),
    "gate-budget-nan": (gate, lambda t: ["--budget", "nan"], "finite"),
    "gate-out-under-a-file": (gate, lambda t: ["--out", _file(t, "f") + "/r.txt"], "is a file, not a dir"),
    "gate-out-is-a-directory": (gate, lambda t: ["--out", str(t)], "is a directory"),
    "gate-unknown-base": (gate, lambda t: ["--base", "no-such-revision"], "not a git revision"),
    "scaling-unknown-option": (scaling, lambda t: ["--colour"], "unrecognized arguments"),
    "scaling-too-few-elements": (scaling, lambda t: ["--max-elements", "100"], "starts at 1e4"),
    "scaling-zero-budget": (scaling, lambda t: ["--budget", "0"], "--budget"),
    "scaling-out-is-a-file": (scaling, lambda t: ["--out", _file(t, "f")], "is a file, not a directory"),
    "scaling-out-under-a-file": (scaling, lambda t: ["--out", _file(t, "f") + "/d"], "is a file"),
    "scaling-output-is-a-directory": (
        scaling, lambda t: ["--out", _dirs(t, "scaling-default.csv", "scaling-tuned.csv")], "is a directory",
    ),
    "summary-no-json": (summary, lambda t: [], "required: json"),
    "summary-json-missing": (summary, lambda t: [str(t / "absent.json")], "no such file"),
    "summary-json-is-a-directory": (summary, lambda t: [str(t)], "is a directory"),
    "summary-json-malformed": (summary, lambda t: [_file(t, "r.json")], "not JSON"),
    "summary-json-not-a-run": (summary, lambda t: [_json(t, "r.json", [1, 2])], "not a run of this suite"),
    "summary-json-no-fields": (
        summary, lambda t: [_json(t, "r.json", {"benchmarks": [{"stats": {}}]})], "not a run of this suite",
    ),
    "summary-tuned-malformed": (summary, lambda t: [str(RUN), "--tuned", _file(t, "t.json")], "--tuned"),
    "summary-out-under-a-file": (summary, lambda t: [str(RUN), "--out", _file(t, "f") + "/s"], "is a file"),
    "summary-out-is-a-directory": (summary, lambda t: [str(RUN), "--out", str(t)], "is a directory"),
    "interleaved-unknown-kernel": (interleaved, lambda t: ["kl", "16x8", "impl"], "invalid choice: 'kl'"),
    "interleaved-bad-shape": (interleaved, lambda t: ["gaussian_kl", "16x8,16by8", "impl"], "BxD"),
    "interleaved-zero-shape": (interleaved, lambda t: ["gaussian_kl", "0x8", "impl"], "BxD"),
    "interleaved-no-impl": (interleaved, lambda t: ["gaussian_kl", "16x8", "eager"], "must include impl"),
    "interleaved-unknown-impl": (interleaved, lambda t: ["gaussian_kl", "16x8", "impl,jax"], "name only"),
    "interleaved-bad-rounds": (interleaved, lambda t: ["gaussian_kl", "16x8", "impl", "0"], "rounds"),
    "interleaved-step-not-784": (interleaved, lambda t: ["train_step", "128x20", "impl"], "Bx784"),
    "interleaved-missing-impls": (interleaved, lambda t: ["gaussian_kl", "16x8"], "required: impls"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_command_line_is_one_line_exit_2_and_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script, make_args, message = BAD[case]
    args = make_args(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(SystemExit) as exit_:
        script.main(args)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"benchmarks/{script.__name__}.py: error: "), captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert message in captured.err
    assert captured.out == ""
    assert sorted(tmp_path.rglob("*")) == before, "no output file left behind"


def test_summary_writes_its_output_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "new" / "summary.txt"
    assert summary.main([str(RUN), "--out", str(out)]) == 0
    assert out.read_text() == capsys.readouterr().out
    assert [p.name for p in out.parent.iterdir()] == ["summary.txt"], "no temporary file left"


@pytest.mark.parametrize("script", ["gate", "scaling", "summary", "interleaved"])
def test_the_real_command_line_shows_no_traceback(script: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / f"{script}.py"), "--no-such-option"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(BENCH.parent)},
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert list(tmp_path.iterdir()) == []
