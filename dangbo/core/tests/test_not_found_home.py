"""The not-found text has one home: `core.errors.NOT_FOUND` / `not_found(what)` in Python and the
`{% not_found %}` tag in templates. No product code writes "Không tìm thấy" by hand (docstrings that
describe the behaviour may name it)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.template import Context, Template

from dangbo.core.errors import NOT_FOUND, not_found

ROOT = Path(__file__).resolve().parents[3]
TEXT = "Không tìm thấy"


def _product_files(suffix: str):
    for base in (ROOT / "dangbo", ROOT / "templates"):
        for path in base.rglob(f"*{suffix}"):
            parts = set(path.relative_to(ROOT).parts)
            if parts & {"tests", "migrations"} or path.name == "errors.py" and "core" in parts:
                continue
            yield path


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def test_no_python_string_but_a_docstring_writes_the_not_found_text_by_hand():
    found = []
    for path in _product_files(".py"):
        source = path.read_text(encoding="utf-8")
        if TEXT not in source:
            continue
        tree = ast.parse(source)
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and TEXT in node.value
                and id(node) not in docs
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_no_template_writes_the_not_found_text_by_hand():
    found = [str(p.relative_to(ROOT)) for p in _product_files(".html") if TEXT in p.read_text(encoding="utf-8")]
    assert found == []


def test_the_tag_and_the_function_say_the_same():
    assert not_found() == NOT_FOUND == "Không tìm thấy"
    assert not_found("tệp sao lưu x.tar.") == "Không tìm thấy tệp sao lưu x.tar."
    out = Template('{% not_found "tổ chức nào có tên" %} «{{ q }}»').render(Context({"q": "Đông"}))
    assert out == "Không tìm thấy tổ chức nào có tên «Đông»"
