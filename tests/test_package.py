"""tematik as a package: what it declares, what it imports when it starts, and (slow) a wheel
built and installed into a fresh virtual environment, used from an unrelated folder."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from pipeline import __version__
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


def test_the_package_version_is_the_one_tematik_reports() -> None:
    assert metadata.version("tematik") == __version__


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


# -- the wheel, installed (slow: it installs tematik's dependencies into a fresh venv) ---------

ANSWERS = ("jawaban\n"
           '"Pimpinan memberi contoh disiplin, datang paling pagi dan pulang paling akhir."\n'
           '"Saya suka kopi."\n')
SHIPPED_CODEBOOK = ("from importlib.resources import files; print(files('pipeline') / "
                    "'_assets' / 'models' / 'codebooks' / 'kinerja-aparatur.yaml')")


def source_copy(target: Path) -> Path:
    """The repository's files without environments, builds, runs and tests (a clone)."""
    anywhere = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*_cache", ".hypothesis")
    top = {".venv", ".git", "build", "dist", "runs", "tests"}

    def skip(folder: str, names: list[str]) -> set[str]:
        return set(anywhere(folder, names)) | (top & set(names) if Path(folder) == ROOT else set())

    return Path(shutil.copytree(ROOT, target, ignore=skip))


def bin_dir(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin")


@pytest.mark.slow
def test_the_wheel_works_from_any_folder(tmp_path: Path) -> None:
    # Built as a user would from a clone: the sdist, then the wheel from the sdist.
    src = source_copy(tmp_path / "src")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"),
                    str(src)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("tematik-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "pipeline/_assets/models/codebooks/kinerja-aparatur.yaml" in names
    assert "pipeline/_assets/models/lexicons/colloquial.tsv" in names
    assert "pipeline/_assets/corpus/01-kabag-umum.txt" in names
    assert not [n for n in names if n.split("/")[0] in ("models", "corpus")]

    env = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    python = bin_dir(env) / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   capture_output=True)

    home = tmp_path / "elsewhere"
    home.mkdir()
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def tematik(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(bin_dir(env) / "tematik"), *argv], cwd=home, env=clean,
                              capture_output=True, text=True, timeout=600)

    done = tematik("run", "--out", "runs/sample", "--quiet")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((home / "runs" / "sample" / "manifest.json").read_text("utf-8"))
    sources = [Path(i["path"]) for i in manifest["inputs"]]
    assert len(sources) == 8
    assert all(env.resolve() in p.resolve().parents for p in sources)  # the installed corpus
    assert (home / "runs" / "sample" / "report.html").is_file()

    (home / "jawaban.csv").write_text(ANSWERS, encoding="utf-8")
    done = tematik("code", "jawaban.csv", "--text-column", "jawaban", "--out", "kode.csv")
    assert done.returncode == 0, done.stderr
    assert "coded 1 of 2 texts" in done.stdout
    assert "kepemimpinan" in (home / "kode.csv").read_text(encoding="utf-8-sig")

    shipped = subprocess.run([str(python), "-c", SHIPPED_CODEBOOK], cwd=home, env=clean,
                             capture_output=True, text=True, check=True).stdout.strip()
    assert env.resolve() in Path(shipped).resolve().parents
    for codebook in (shipped, "runs/sample/codebook.yaml"):
        done = tematik("codebook", "check", codebook)
        assert done.returncode == 0, done.stdout
        assert done.stdout.splitlines()[-1].startswith(f"{codebook}: 0 error(s)")
