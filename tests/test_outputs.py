"""derivations.outputs: paths refused with one line, files written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from derivations.outputs import ArgumentParser, UsageError, fail, output_dir, output_file, write_atomically


def test_output_file_refuses_a_directory_and_a_path_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match="is a directory"):
        output_file(tmp_path, "--json")
    with pytest.raises(UsageError, match="is a file, not a directory"):
        output_file(tmp_path / "f" / "deeper" / "out.json", "--json")
    assert output_file(tmp_path / "new" / "out.json") == tmp_path / "new" / "out.json"


def test_output_dir_refuses_a_file_and_a_path_under_one(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        output_dir(tmp_path / "f")
    with pytest.raises(UsageError, match="is a file"):
        output_dir(tmp_path / "f" / "site")
    assert output_dir(tmp_path / "site") == tmp_path / "site"


def test_write_atomically_writes_whole_files_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = write_atomically(tmp_path / "a" / "out.txt", "hello\n")
    assert target.read_text() == "hello\n"
    write_atomically(target, b"bytes")
    assert target.read_bytes() == b"bytes"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_fail_prints_one_line_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        fail("prog", "first line\nsecond line")
    assert exc.value.code == 2
    assert capsys.readouterr().err == "prog: error: first line\n"


def test_argument_parser_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    parser = ArgumentParser(prog="prog")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["--n", "seven"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("prog: error: argument --n: invalid int value")
    assert err.count("\n") == 1
