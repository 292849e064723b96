"""Build steps run in forked processes beside MkDocs (ceeatlas.parallel)."""

from __future__ import annotations

import os

import pytest

from ceeatlas.parallel import Background, ParallelJobError


def test_results_come_back_in_order_and_children_write_files(tmp_path):
    def write(name: str) -> str:
        (tmp_path / name).write_text(str(os.getpid()))
        return name

    started = Background([lambda: write("a"), lambda: write("b"), lambda: write("c")])
    assert started.results() == ["a", "b", "c"]
    assert {path.name for path in tmp_path.iterdir()} == {"a", "b", "c"}
    assert all(int(path.read_text()) != os.getpid() for path in tmp_path.iterdir())


def test_a_failing_job_fails_with_its_traceback():
    def broken():
        raise ValueError("SYNTHETIC failure in a child")

    with pytest.raises(ParallelJobError, match="SYNTHETIC failure in a child"):
        Background([lambda: 1, broken]).results()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="runs in the background only with two cores")
def test_join_waits_without_raising(tmp_path):
    def broken():
        (tmp_path / "ran").write_text("yes")
        raise KeyError("SYNTHETIC")

    Background([broken]).join()
    assert (tmp_path / "ran").exists()


def test_serial_when_asked(monkeypatch):
    monkeypatch.setenv("CEEATLAS_SERIAL", "1")
    started = Background([os.getpid, os.getpid])
    assert started.results() == [os.getpid()] * 2
