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
    ("module", "statement", "contract"),
    [
        ("core/domain/leak.py", "import adapters.persistence.memory\n", "The core knows no"),
        ("core/services/leak.py", "import bootstrap\n", "The core knows no"),
        ("core/ports/leak.py", "import sqlalchemy\n", "The core knows no"),
        ("core/domain/leak.py", "from core.services import cases\n", "The domain does not"),
        ("adapters/web/leak.py", "from adapters.persistence import memory\n", "Adapter families"),
        # Contexts depend downward only, in every layer container.
        (
            "core/domain/cases/leak.py",
            "import core.domain.scheduling.appointments\n",
            "Domain: contexts depend downward only",
        ),
        (
            "core/ports/directory.py",
            "import core.ports.scheduling\n",
            "Ports: contexts depend downward only",
        ),
        (
            "core/services/cases/leak.py",
            "import core.services.scheduling.booking\n",
            "Use cases: contexts depend downward only",
        ),
        (
            "adapters/persistence/sql/cases.py",
            "import adapters.persistence.sql.scheduling\n",
            "SQL persistence: contexts depend downward only",
        ),
        (
            "adapters/persistence/memory/store.py",
            "import adapters.persistence.memory.cases\n",
            "Memory persistence: contexts depend downward only",
        ),
        (
            "adapters/web/directory/leak.py",
            "import adapters.web.cases.pages\n",
            "Web: contexts depend downward only",
        ),
        # Clinical documentation is imported by its own modules only.
        (
            "core/services/billing/leak.py",
            "import core.domain.documentation.diagnoses\n",
            "Clinical documentation is read and written only by its own modules",
        ),
    ],
)
def test_a_forbidden_import_breaks_the_check(
    tree: Path, module: str, statement: str, contract: str
):
    # A new module, or one more import in a module that exists (a layer of a flat container).
    planted = tree / module
    planted.write_text((planted.read_text() if planted.exists() else "") + statement)
    result = _lint(tree)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout
