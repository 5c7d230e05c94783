"""The dependency rule is a failing check: lint-imports passes on the tree, and fails as soon as
the core imports an adapter, the composition root or a framework."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for package in ("core", "adapters"):
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "templates"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copy(ROOT / "bootstrap.py", tmp_path)
    return tmp_path


def test_the_tree_keeps_the_dependency_rule(tree: Path):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "statement"),
    [
        ("core/domain/leak.py", "import adapters.persistence.memory\n"),
        ("core/services/leak.py", "import bootstrap\n"),
        ("core/ports/leak.py", "import sqlalchemy\n"),
        ("core/domain/leak.py", "from core.services import cases\n"),
        ("adapters/web/leak.py", "from adapters.persistence import memory\n"),
    ],
)
def test_a_forbidden_import_breaks_the_check(tree: Path, module: str, statement: str):
    (tree / module).write_text(statement)
    result = _lint(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
