"""tematik as a package: what it declares and what it imports when it starts."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from pipeline.runs.run import PACKAGES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
HEAVY = ("spacy", "sklearn", "gensim", "scipy", "matplotlib", "Sastrawi")
"""What the analysis imports, and the commands that only read a finished run need not."""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    """The runtime dependencies pyproject.toml declares, by canonical name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = (re.match(r"[A-Za-z0-9._-]+", spec) for spec in project["dependencies"])
    return {canonical(m.group(0)) for m in names if m}


def imported_distributions() -> dict[str, set[str]]:
    """Every distribution the package's modules import from, with the modules importing it."""
    providers = metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "pipeline" or top in sys.stdlib_module_names:
                    continue
                for dist in providers.get(top, [f"<{top}: no installed distribution>"]):
                    found.setdefault(canonical(dist), set()).add(path.name)
    return found


def test_every_imported_package_is_declared() -> None:
    undeclared = {d: sorted(m) for d, m in imported_distributions().items()
                  if d not in declared()}
    assert not undeclared, f"imported but not in pyproject's dependencies: {undeclared}"


def test_the_manifest_records_every_dependency(sample_run: Path) -> None:
    assert {canonical(p) for p in PACKAGES} == declared()
    packages = json.loads((sample_run / "manifest.json").read_text(encoding="utf-8"))["packages"]
    recorded = {canonical(name): version for name, version in packages.items()}
    for name in declared():
        assert recorded[name] not in ("", "not installed"), name


# -- start-up: the library is imported only by the commands that need it ----------------------


def modules_loaded(*argv: str) -> tuple[str, set[str]]:
    """What ``tematik ARGV`` prints, and which of :data:`HEAVY` (and pandas) it imported,
    in a fresh interpreter."""
    code = ("import sys\nfrom pipeline.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print('LOADED', *sorted(m for m in {(*HEAVY, 'pandas')!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    out, _, loaded = done.stdout.rpartition("LOADED")
    return out, set(loaded.split())


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_and_version_import_no_library(argv: list[str]) -> None:
    out, loaded = modules_loaded(*argv)
    assert "tematik" in out
    assert loaded == set()


def test_themes_reads_a_run_without_the_analysis_libraries(sample_run: Path) -> None:
    out, loaded = modules_loaded("themes", str(sample_run))
    assert "kepemimpinan" in out
    assert loaded == {"pandas"}
