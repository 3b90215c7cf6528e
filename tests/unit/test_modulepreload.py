"""console/index.html names every module of the boot and the order list for preloading (one round trip
for the whole graph instead of one per level): the lines are what tools/modulepreload.py makes of the
graph today (after a change of imports: `make modulepreload`)."""

from __future__ import annotations

import re
import subprocess
import sys

from oms_local import REPO_ROOT

TOOL = REPO_ROOT / "tools" / "modulepreload.py"


def test_index_html_preloads_the_first_screens_module_graph() -> None:
    run = subprocess.run([sys.executable, str(TOOL), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    html = (REPO_ROOT / "console" / "index.html").read_text()
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)"', html)
    # the early requests first, then the boot and the list; every one a file, none twice
    assert preloaded[:2] == ["js/prefetch.js", "js/list/search.js"]
    assert {"js/main.js", "js/router.js", "js/screens/orders.js", "js/list/rows.js"} <= set(preloaded)
    assert len(preloaded) == len(set(preloaded))
    assert all((REPO_ROOT / "console" / p).is_file() for p in preloaded)
    # the list's own modules wait behind what every screen needs first
    assert '<link rel="modulepreload" href="js/list/rows.js" fetchpriority="low">' in html
    assert '<link rel="modulepreload" href="js/main.js">' in html
    # a screen the list does not open is left to its route
    assert "js/screens/order.js" not in preloaded


def test_the_tool_follows_static_imports_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(TOOL.parent))
    try:
        import modulepreload
    finally:
        sys.path.pop(0)
    js = tmp_path / "js"
    js.mkdir()
    (js / "a.js").write_text('import { b } from "./b.js";\nexport { c } from "./c.js";\n'
                             'const d = () => import("./d.js");\n')
    (js / "b.js").write_text('import "./c.js";\n')
    (js / "c.js").write_text("export const c = 1;\n")
    (js / "d.js").write_text("export const d = 1;\n")
    assert modulepreload.graph(("js/a.js",), tmp_path) == ["js/a.js", "js/b.js", "js/c.js"]
