"""The console's ``<link rel="modulepreload">`` lines in console/index.html, from the module graph.

A browser finds an ES module's imports only once the module has arrived, one level of the graph per
round trip; these links name every module the boot and the order list (the screen most visits open
on) import, so all of them are asked for at once while the HTML is read. The lines sit between the
``modulepreload`` markers of index.html.

    python tools/modulepreload.py           # rewrite index.html's lines
    python tools/modulepreload.py --check   # exit 1 when they are not what the graph says

Only static imports are followed (``import … from "./x.js"``, ``export … from``): the router's
``import()`` of each screen is where the graph is meant to split.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import deque
from pathlib import Path

CONSOLE = Path(__file__).resolve().parent.parent / "console"
INDEX = CONSOLE / "index.html"
#: what the first screen runs, in the order it needs them: the early requests (and the list search they
#: read), the boot, the order list
ENTRIES = ("js/prefetch.js", "js/list/search.js", "js/main.js", "js/screens/orders.js")
#: what every screen runs first; the rest of the list's graph is asked for at low priority, so that on
#: another screen (an order opened from a link) its own modules go first
CORE = ENTRIES[:3]
START = "<!-- modulepreload: tools/modulepreload.py writes these lines -->"
END = "<!-- /modulepreload -->"

_STATIC = re.compile(r"""^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']""",
                     re.MULTILINE)


def imports_of(module: Path) -> list[Path]:
    """The modules ``module`` imports statically (relative specifiers only)."""
    text = module.read_text(encoding="utf-8")
    out = []
    for m in _STATIC.finditer(text):
        spec = m.group(1) or m.group(2)
        if spec.startswith("."):
            out.append((module.parent / spec).resolve())
    return out


def graph(entries: tuple[str, ...] = ENTRIES, root: Path = CONSOLE) -> list[str]:
    """Every module reachable from ``entries``, nearest first (breadth first), as paths under ``root``."""
    seen: dict[Path, None] = {}
    queue = deque((root / e).resolve() for e in entries)
    while queue:
        module = queue.popleft()
        if module in seen:
            continue
        if not module.is_file():
            raise SystemExit(f"{module} is imported but does not exist")
        seen[module] = None
        queue.extend(imports_of(module))
    return [p.relative_to(root.resolve()).as_posix() for p in seen]


def render(html: str, modules: list[str], core: set[str] | None = None) -> str:
    start, end = html.find(START), html.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{INDEX}: the markers {START} … {END} are missing")
    indent = html[html.rfind("\n", 0, start) + 1:start]
    core = set(modules) if core is None else core
    low = ' fetchpriority="low"'
    lines = [START] + [f'{indent}<link rel="modulepreload" href="{m}"{"" if m in core else low}>'
                       for m in modules] + [indent + END]
    return html[:start] + "\n".join(lines) + html[end + len(END):]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if index.html is not up to date")
    args = parser.parse_args(argv)
    html = INDEX.read_text(encoding="utf-8")
    core = graph(CORE)
    wanted = render(html, core + [m for m in graph() if m not in core], set(core))
    if args.check:
        if wanted != html:
            print("console/index.html: the modulepreload lines are out of date; run python tools/modulepreload.py",
                  file=sys.stderr)
            return 1
        return 0
    if wanted != html:
        INDEX.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
