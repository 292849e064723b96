"""Build steps run side by side in forked processes (ceeatlas.parallel)."""

from __future__ import annotations

import os

import pytest

from ceeatlas.parallel import ParallelJobError, run_concurrently


def test_results_come_back_in_order_and_children_write_files(tmp_path):
    def write(name: str) -> str:
        (tmp_path / name).write_text(str(os.getpid()))
        return name

    results = run_concurrently([lambda: write("a"), lambda: write("b"), lambda: write("c")])
    assert results == ["a", "b", "c"]
    assert {path.name for path in tmp_path.iterdir()} == {"a", "b", "c"}


def test_a_failing_child_fails_the_run_with_its_traceback():
    def broken():
        raise ValueError("SYNTHETIC failure in a child")

    with pytest.raises(ParallelJobError, match="SYNTHETIC failure in a child"):
        run_concurrently([lambda: 1, broken])


def test_a_failure_here_still_waits_for_the_children(tmp_path):
    def slow_child():
        (tmp_path / "child-finished").write_text("yes")
        return 2

    def broken():
        raise KeyError("SYNTHETIC")

    with pytest.raises(KeyError):
        run_concurrently([broken, slow_child])
    assert (tmp_path / "child-finished").exists()


def test_serial_when_asked(monkeypatch):
    monkeypatch.setenv("CEEATLAS_SERIAL", "1")
    assert run_concurrently([os.getpid, os.getpid]) == [os.getpid()] * 2
