"""Translatable strings of the addon: named placeholders only, never an f-string inside ``_()``."""

import ast
import re
from pathlib import Path

ADDON = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%[sdrf]")


def _translation_calls():
    for path in sorted(ADDON.rglob("*.py")):
        if "tests" in path.relative_to(ADDON).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_" and node.args:
                yield f"{path.relative_to(ADDON)}:{node.lineno}", node


def test_no_f_string_inside_translations():
    offenders = [where for where, call in _translation_calls() if isinstance(call.args[0], ast.JoinedStr)]
    assert offenders == []


def test_several_placeholders_are_named():
    offenders = []
    for where, call in _translation_calls():
        text = call.args[0].value if isinstance(call.args[0], ast.Constant) else ""
        if len(call.args) > 2 or len(PLACEHOLDER.findall(str(text))) > 1:
            offenders.append(where)
    assert offenders == []
