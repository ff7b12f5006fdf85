"""Build step that pyproject.toml cannot declare: the wheel carries the repository's
``models/`` (codebooks, lexicons) and ``corpus/`` (the sample corpus) inside the package, as
``pipeline/_assets/models`` and ``pipeline/_assets/corpus``, where
:func:`pipeline.resources.assets_dir` finds them with importlib.resources.

The folders stay at the top of the repository (the design card's layout) and are copied at
build time, so no top-level package named ``models`` or ``corpus`` is installed. An editable
install copies nothing: it reads the checkout's folders. ``MANIFEST.in`` puts both folders in
the sdist, so a wheel built from the sdist carries them too.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
ASSETS = ("models", "corpus")
TARGET = Path("pipeline", "_assets")


def asset_files() -> list[Path]:
    """Every file of the asset folders, relative to the repository (no caches, no dotfiles)."""
    files = []
    for folder in ASSETS:
        if not (ROOT / folder).is_dir():
            raise FileNotFoundError(f"{ROOT / folder} is missing: tematik cannot be built "
                                    "without its models and sample corpus")
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT)
            if path.is_file() and not any(part.startswith((".", "__pycache__"))
                                          for part in relative.parts):
                files.append(relative)
    return files


class BuildWithAssets(build_py):
    """``build_py`` that also copies the asset folders into ``pipeline/_assets/``."""

    def _assets(self) -> dict[str, str]:
        if getattr(self, "editable_mode", False):
            return {}
        return {str(Path(self.build_lib, TARGET, f)): str(ROOT / f) for f in asset_files()}

    def run(self) -> None:
        super().run()
        for target, source in self._assets().items():
            self.mkpath(str(Path(target).parent))
            self.copy_file(source, target, preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *self._assets()]

    def get_output_mapping(self) -> dict[str, str]:
        return {**super().get_output_mapping(), **self._assets()}


setup(cmdclass={"build_py": BuildWithAssets})
