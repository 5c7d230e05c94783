"""The dependency rule is a failing check: lint-imports passes on the tree, and fails as soon as
the core imports an adapter, the composition root or a framework. The violations are planted
all in one copy of the tree and lint-imports runs on it once (each run costs seconds)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
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


def _copy_tree(root: Path) -> Path:
    for package in ("core", "adapters"):
        shutil.copytree(
            ROOT / package,
            root / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "templates"),
        )
    shutil.copy(ROOT / "pyproject.toml", root)
    shutil.copy(ROOT / "bootstrap.py", root)
    return root


CONTRACTS = [
    c["name"]
    for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
]


def _contract(start: str) -> str:
    (name,) = [c for c in CONTRACTS if c.startswith(start)]
    return name


# (where, what, the contract it breaks): every one is planted in one copy of the tree, and
# lint-imports, run once, must name each import under the contract it breaks. A planted
# module that exists gets one more import (a layer of a flat container is a module).
PLANTED = [
    ("core/domain/leak_adapter.py", "adapters.persistence.memory", CONTRACTS[0]),
    ("core/services/leak_root.py", "bootstrap", CONTRACTS[0]),
    ("core/ports/leak_framework.py", "sqlalchemy", CONTRACTS[0]),
    ("core/domain/leak_use_case.py", "core.services", CONTRACTS[1]),
    ("adapters/web/leak_persistence.py", "adapters.persistence", CONTRACTS[3]),
    # Contexts depend downward only, in every layer container.
    ("core/domain/cases/leak.py", "core.domain.scheduling.appointments", _contract("Domain:")),
    ("core/ports/directory.py", "core.ports.scheduling", _contract("Ports:")),
    ("core/services/cases/leak.py", "core.services.scheduling.booking", _contract("Use cases:")),
    ("adapters/persistence/sql/cases.py", "adapters.persistence.sql.scheduling", _contract("SQL")),
    (
        "adapters/persistence/memory/store.py",
        "adapters.persistence.memory.cases",
        _contract("Memory"),
    ),
    ("adapters/web/directory/leak.py", "adapters.web.cases.pages", _contract("Web:")),
    # Clinical documentation is imported by its own modules only.
    (
        "core/services/billing/leak.py",
        "core.domain.documentation.diagnoses",
        _contract("Clinical documentation"),
    ),
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> str:
    tree = _copy_tree(tmp_path_factory.mktemp("planted"))
    for module, target, _ in PLANTED:
        path = tree / module
        path.write_text((path.read_text() if path.exists() else "") + f"import {target}\n")
    result = _lint(tree)
    assert result.returncode != 0, result.stdout + result.stderr
    return result.stdout


def _section(output: str, contract: str) -> str:
    """The part of lint-imports' report under the heading of a broken contract."""
    broken = output.partition("Broken contracts")[2]
    assert f"{contract}\n---" in broken, f"{contract!r} is not reported broken:\n{output}"
    after = broken.split(f"{contract}\n---", 1)[1]
    ends = [after.find(f"\n{other}\n---") for other in CONTRACTS if other != contract]
    return after[: min([e for e in ends if e >= 0], default=len(after))]


def test_the_tree_keeps_the_dependency_rule(tmp_path: Path):
    result = _lint(_copy_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "target", "contract"), PLANTED, ids=[p[0] for p in PLANTED])
def test_a_forbidden_import_breaks_the_check(planted: str, module: str, target: str, contract: str):
    source = module.removesuffix(".py").replace("/", ".")
    assert f"{source} -> {target} (l." in _section(planted, contract), planted
