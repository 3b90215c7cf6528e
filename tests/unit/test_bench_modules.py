"""`make bench` is not part of `make test`, so a merge could break it unseen: every bench module
must import and expose the sections ``bench.__main__`` calls."""

from __future__ import annotations

import importlib
import inspect

import bench.__main__ as entry


def test_every_section_main_calls_exists() -> None:
    source = inspect.getsource(entry.main)
    calls = [line.strip().split("(")[0] for line in source.splitlines() if "." in line and "(" in line
             and not line.strip().startswith(("def ", "with ", "return", "#"))]
    assert len(calls) >= 10
    for call in calls:
        module_name, _, attr = call.rpartition(".")
        module = importlib.import_module(f"bench.{module_name}")
        assert callable(getattr(module, attr)), call
