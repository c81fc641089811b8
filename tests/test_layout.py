"""The layout a newcomer relies on (README "Layout"): imports at the top of each module, so that what a module
depends on is read in one place. The layers and the absence of import cycles are import-linter's job
(`make check`, pyproject.toml [tool.importlinter]); this test keeps the imports where import-linter's reader
and a person can see them."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {"tests", "bench", "migrations", ".venv", "node_modules", "static", "var"}
# How far above an import inside a function its reason may be written.
REASON_WITHIN = 3


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & SKIPPED:
            yield path


def _imports_inside_functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    yield inner


def test_an_import_inside_a_function_says_why():
    unexplained = []
    for path in _modules():
        source = path.read_text()
        lines = source.splitlines()
        for node in _imports_inside_functions(ast.parse(source)):
            nearby = lines[max(0, node.lineno - 1 - REASON_WITHIN) : node.end_lineno]
            if not any("#" in line for line in nearby):
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert unexplained == [], "imports inside functions without a comment saying why:\n" + "\n".join(
        unexplained
    )
