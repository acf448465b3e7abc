"""Dependencies point one way (docs/architecture.md): a walk over every module's imports.

Domains are ordered; a module never imports a *service-level* module of a higher domain (models
and the content's typed vocabulary are data, which any layer may read); no domain module imports
an adapter (views, forms, CLI, the API, the web wiring); and the API and the pages never import
each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "elearn"

#: Lowest first. A package may import from its own layer and any layer below.
LAYERS = [
    {"core", "errors", "signals", "extensions", "i18n"},
    {"audit"},
    {"notifications"},
    {"accounts"},
    {"catalogue"},
    {"content"},
    {"enrolment"},
    {"progress"},
    {"quizzes"},
    {"certificates"},
    {"reports"},
    {"publishing", "people", "evaluation", "discussion", "home"},
]
#: Data any layer may read: ORM models and the content's typed vocabulary.
DATA_MODULES = {"models", "specs", "roles"}
ADAPTER_MODULES = {"views", "forms", "cli"}
ADAPTER_PACKAGES = {"api"}
TOP_MODULES = {"elearn", "elearn.web", "elearn.cli", "elearn.demo", "elearn.sweep", "elearn.models"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("elearn"):
            found.extend([node.module] + [f"{node.module}.{alias.name}" for alias in node.names])
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names if alias.name.startswith("elearn"))
    return found


def _layer(package: str) -> int | None:
    return next((index for index, layer in enumerate(LAYERS) if package in layer), None)


def _is_adapter(module: str) -> bool:
    parts = module.split(".")
    return module in TOP_MODULES or (len(parts) > 1 and parts[1] in ADAPTER_PACKAGES) or parts[-1] in ADAPTER_MODULES


def _in_api(module: str) -> bool:
    return module.startswith("elearn.api.") or module == "elearn.api"


def _known_module(name: str) -> str | None:
    """The module an import names (``from elearn.x import y`` may name module ``elearn.x.y``)."""
    path = ROOT.parent / Path(*name.split("."))
    if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
        return name
    return None


def test_every_elearn_package_is_placed_in_a_layer() -> None:
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in ROOT.glob("*.py") if p.stem != "__init__"}
    unplaced = sorted(
        name
        for name in packages | modules
        if _layer(name) is None and name not in ADAPTER_PACKAGES and f"elearn.{name}" not in TOP_MODULES
    )
    assert unplaced == [], "place these packages in LAYERS (tests/test_layers.py) and docs/architecture.md"


def test_imports_point_down_and_never_into_adapters() -> None:
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        importer_adapter = _is_adapter(module)
        importer_layer = _layer(module.split(".")[1]) if "." in module else None
        for raw in _imports(path):
            target = _known_module(raw)
            if target is None or target == module or "." not in target:
                continue
            target_adapter = _is_adapter(target)
            if not importer_adapter and target_adapter:
                problems.append(f"{module} imports the adapter {target}")
                continue
            if importer_adapter and target_adapter:
                if module not in TOP_MODULES and _in_api(module) != _in_api(target):
                    problems.append(f"{module} and {target}: the API and the pages never import each other")
                continue
            target_layer = _layer(target.split(".")[1])
            if importer_adapter or importer_layer is None or target_layer is None:
                continue
            if target.split(".")[-1] in DATA_MODULES:
                continue
            if target_layer > importer_layer:
                problems.append(f"{module} (layer {importer_layer}) imports {target} (layer {target_layer})")
    assert problems == []
