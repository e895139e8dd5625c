"""The stub file _native.pyi must match the extension module: every name, every class
member and every parameter. A change on either side without the other fails here."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Dict, List, Tuple

import setu_auth
from setu_auth import _native

STUB = Path(setu_auth.__file__).with_name("_native.pyi")
IGNORED = {
    "__doc__",
    "__module__",
    "__dict__",
    "__weakref__",
    "__qualname__",
    "__name__",
    "__builtins__",
    "__file__",
    "__loader__",
    "__package__",
    "__spec__",
    "__all__",
    "__text_signature__",
    "__repr__",
}

Params = List[Tuple[str, str, bool]]


def stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text())


def stub_params(function: ast.FunctionDef) -> Params:
    args = function.args
    params: Params = []
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults):
        params.append((arg.arg, "POSITIONAL_OR_KEYWORD", default is not None))
    if args.vararg:
        params.append((args.vararg.arg, "VAR_POSITIONAL", False))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append((arg.arg, "KEYWORD_ONLY", default is not None))
    if args.kwarg:
        params.append((args.kwarg.arg, "VAR_KEYWORD", False))
    return [param for param in params if param[0] not in ("self", "cls")]


def runtime_params(function: object) -> Params:
    params: Params = []
    for param in inspect.signature(function).parameters.values():  # type: ignore[arg-type]
        if param.name in ("self", "cls"):
            continue
        kind = param.kind.name
        if kind == "POSITIONAL_ONLY":
            kind = "POSITIONAL_OR_KEYWORD"
        params.append((param.name, kind, param.default is not inspect.Parameter.empty))
    return params


def stub_members(node: ast.ClassDef) -> Dict[str, ast.AST]:
    return {
        item.name: item
        for item in node.body
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def test_module_names_match() -> None:
    tree = stub_tree()
    stub_names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            stub_names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            stub_names.add(node.target.id)
    runtime_names = {name for name in vars(_native) if name not in IGNORED}
    assert stub_names == runtime_names


def test_functions_match() -> None:
    for node in stub_tree().body:
        if isinstance(node, ast.FunctionDef):
            runtime = getattr(_native, node.name)
            assert stub_params(node) == runtime_params(runtime), node.name


def test_classes_match() -> None:
    for node in stub_tree().body:
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(_native, node.name)
        members = stub_members(node)
        runtime = {name for name in vars(cls) if name not in IGNORED}
        if "__new__" not in members:
            runtime.discard(
                "__new__"
            )  # pyo3's stand-in for a class without a constructor
        assert set(members) == runtime, node.name

        for name, function in members.items():
            attribute = inspect.getattr_static(cls, name)
            is_property = any(
                isinstance(decorator, ast.Name) and decorator.id == "property"
                for decorator in function.decorator_list  # type: ignore[attr-defined]
            )
            if is_property:
                assert inspect.isdatadescriptor(attribute), f"{node.name}.{name}"
                continue
            target = cls if name == "__new__" else getattr(cls, name)
            expected = stub_params(function)  # type: ignore[arg-type]
            assert expected == runtime_params(target), f"{node.name}.{name}"
