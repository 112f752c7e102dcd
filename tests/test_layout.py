"""The tree shows the stages: no module over 600 lines, no import cycle, and the
README's layout names every package and top-level module."""

from __future__ import annotations

import re

from conftest import ROOT

PACKAGE = ROOT / "ctparse"


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert not long


def test_no_import_cycle() -> None:
    """No module reaches itself through imports (function-level ones included)."""
    import grimp

    graph = grimp.build_graph("ctparse")
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                cycles.append((module, *back))
    assert not cycles


def test_the_readme_layout_names_every_package_and_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("### Layout") :]
    names = [p.name + "/" for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")]
    names += [p.name for p in PACKAGE.glob("*.py") if not p.name.startswith("_")]
    missing = [n for n in names if not re.search(rf"(?<![\w/]){re.escape(n)}", layout)]
    assert not missing
