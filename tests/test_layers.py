"""The package's shape, enforced: imports only point down the layers of docs/architecture.md,
and no two modules import each other, directly or round a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
LAYERS = ("core", "stages", "readers", "agreement", "report", "runs", "cli")
CORE = {"pipeline", "pipeline.types", "pipeline.errors", "pipeline.config",
        "pipeline.resources", "pipeline.limits", "pipeline.parallel"}


def layer(module: str) -> int:
    if module in CORE:
        return 0
    if module in ("pipeline.cli", "pipeline.cli_support"):
        return LAYERS.index("cli")
    return LAYERS.index(module.split(".")[1])


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, *, top_level_only: bool) -> set[str]:
    """The pipeline modules ``path`` imports (``from pipeline.x import y`` counts as
    ``pipeline.x.y`` when that is a module, else ``pipeline.x``)."""
    known = modules()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("pipeline"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pipeline"))
    return found


def test_every_module_belongs_to_a_layer() -> None:
    for name in modules():
        assert 0 <= layer(name) < len(LAYERS), name


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_only_point_down(name: str) -> None:
    path = modules()[name]
    for target in imports(path, top_level_only=False):
        if target == "pipeline":
            continue  # the package itself: its version
        assert layer(target) <= layer(name), (
            f"{name} ({LAYERS[layer(name)]}) imports {target} ({LAYERS[layer(target)]}): "
            "a lower layer must not import a higher one (docs/architecture.md)")


def test_no_import_circles() -> None:
    graph = {name: {t for t in imports(path, top_level_only=True) if t != "pipeline"}
             for name, path in modules().items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                circle = [*path[path.index(target):], target]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_run_directory_is_touched_by_one_module() -> None:
    # Only the package pipeline/runs/rundir/ (its lifecycle and contents modules) writes,
    # renames or deletes files (it also writes the files tematik makes beside a run: exports,
    # coded sheets, the anonymisation key).
    writers = (".write_bytes(", ".write_text(", "to_parquet(", "to_csv(p", "os.replace(",
               "shutil.", ".unlink(", ".mkdir(", "os.open(")  # to_csv(index=...) is a string
    owner = "pipeline.runs.rundir"
    assert {n for n in modules() if n == owner or n.startswith(owner + ".")} == {
        owner, f"{owner}.lifecycle", f"{owner}.contents"}, "a new module in runs/rundir/"
    for name, path in modules().items():
        if name == owner or name.startswith(owner + "."):
            continue
        source = path.read_text(encoding="utf-8").replace("rundir.", "")
        used = [w for w in writers if w in source]
        assert not used, f"{name} writes files itself ({', '.join(used)}): ask runs/rundir/"
