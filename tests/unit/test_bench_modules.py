"""`make bench` is not part of `make test`, so a merge could break it unseen: every bench module
must import and expose the sections ``bench.__main__`` runs (tests/integration/test_bench_smoke.py
runs them all on tiny sizes)."""

from __future__ import annotations

import bench.__main__ as entry


def test_every_section_main_runs_exists() -> None:
    assert len(entry.SECTIONS) >= 10
    for name, (on_ddb, run) in entry.SECTIONS.items():
        assert isinstance(on_ddb, bool) and callable(run), name
        assert run.__module__.startswith("bench."), name


def test_an_unknown_section_is_refused() -> None:
    assert entry.main(["no-such-section"]) == 2
