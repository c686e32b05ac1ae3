"""`doithoai --self-test`, run in-process from the source tree (make dist-selftest runs it frozen)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app import paths
from app.cli import build_parser
from app.selftest import run_self_test
from tests.conftest import TODAY


def test_self_test_passes_every_step(qapp: object, data_home: Path) -> None:
    lines: list[str] = []
    code = run_self_test(lines.append, today=TODAY)
    report = "\n".join(lines)
    assert code == 0, report
    assert not [line for line in lines if line.startswith("[LỖI]")], report
    assert lines[-1].startswith("KẾT QUẢ: cả"), report
    steps = [line for line in lines if line.startswith("[ OK ]")]
    assert len(steps) >= 8, report
    # It worked in a temporary folder, removed it, and gave the user's data folder back.
    scratch = Path(next(line for line in lines if line.startswith("Thư mục tạm: ")).split(": ", 1)[1])
    assert not scratch.exists()
    assert os.environ[paths.ENV_HOME] == str(data_home)
    assert not any(data_home.iterdir())


def test_a_failing_step_is_reported_and_the_files_are_kept(
    qapp: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr("app.services.demo.build_demo", broken)
    args = build_parser().parse_args(["--self-test"])  # the flag as `doithoai --self-test` parses it
    assert args.func(args) == 1
    out = capsys.readouterr().out
    assert "[LỖI] Tạo dữ liệu mẫu: RuntimeError: ổ đĩa đầy" in out
    assert "KẾT QUẢ:" in out and "LỖI" in out.splitlines()[-2]
    kept = Path(out.splitlines()[-1].split(": ", 1)[1])
    assert kept.is_dir()
    shutil.rmtree(kept)


def test_self_test_subcommand_is_the_same_as_the_flag() -> None:
    flag = build_parser().parse_args(["--self-test"])
    sub = build_parser().parse_args(["self-test"])
    assert flag.func is sub.func
    assert flag.func.__name__ == "cmd_self_test"
