"""Who may import whom (docs/ARCHITECTURE.md): the feature apps never import each other, the shared
packages (the core kernel, the serving stack, staff sign-in) import no feature app, and the settings
import no app at all. Read from the source with `ast`, imports inside functions included, so a lazy
import cannot slip past."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEATURE_APPS = ("blog", "support", "engage")
SHARED = ("core", "serving", "staff")


def imported_packages(source: Path) -> set[str]:
    """The top-level packages a module imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def forbidden_imports(package: str, forbidden: set[str]) -> list[str]:
    return sorted(f"{source.relative_to(ROOT)} imports {name}"
                  for source in (ROOT / package).rglob("*.py")
                  for name in imported_packages(source) & forbidden)


@pytest.mark.parametrize("app", FEATURE_APPS)
def test_a_feature_app_imports_no_other_feature_app(app):
    assert forbidden_imports(app, set(FEATURE_APPS) - {app}) == []


@pytest.mark.parametrize("package", SHARED)
def test_a_shared_package_imports_no_feature_app(package):
    assert forbidden_imports(package, set(FEATURE_APPS)) == []


@pytest.mark.parametrize("module", ["settings.py", "env.py"])
def test_the_settings_import_no_app(module):
    assert imported_packages(ROOT / "idare" / module) & {*FEATURE_APPS, *SHARED} == set()


def test_the_walk_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def view():\n    from support.models import Helpline\n    import engage.views\n")
    assert imported_packages(module) == {"support", "engage"}
