"""replies/zh.toml holds every sentence and label, and nothing else: a key no code renders and a key
code renders that zh.toml lacks both fail here, and replies/ stays independent of the app's config."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.tickets.status import Status, kind_label, status_label, verb_label
from replies import label, render, templates
from storage.tickets import PREFIX

ROOT = Path(__file__).resolve().parents[1]
CODE = ("bot", "wuye_dev", "replies", "storage", "intents")
# Functions whose first string argument is a key of zh.toml.
RENDERERS = frozenset({"render", "say", "_say", "label"})


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _key_expr(call: ast.Call) -> ast.expr | None:
    """The argument that names the key: the first positional string, f-string or choice of strings."""
    for arg in call.args[:2]:
        if isinstance(arg, ast.Constant | ast.JoinedStr | ast.IfExp | ast.Call | ast.Name):
            if isinstance(arg, ast.Name) and arg.id in ("settings", "community"):
                continue
            return arg
    return None


def _prefix(fstr: ast.JoinedStr) -> str:
    first = fstr.values[0] if fstr.values else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""


@dataclass
class Uses:
    keys: dict[str, str]  # a literal key -> where it is rendered
    prefixes: dict[str, str]  # f"safety_{kind}" -> "safety_"
    mentioned: set[str]  # strings that may reach a renderer through a table or a choice


def _scan(sources: dict[str, str]) -> Uses:
    uses = Uses({}, {}, set())
    for where, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and _name(node.func) in RENDERERS:
                expr = _key_expr(node)
                at = f"{where}:{node.lineno}"
                if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                    uses.keys[expr.value] = at
                elif isinstance(expr, ast.JoinedStr) and _prefix(expr):
                    uses.prefixes[_prefix(expr)] = at
                elif isinstance(expr, ast.IfExp):
                    for branch in (expr.body, expr.orelse):
                        if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                            uses.keys[branch.value] = at
                for arg in node.args:
                    uses.mentioned |= {c.value for c in ast.walk(arg)
                                       if isinstance(c, ast.Constant) and isinstance(c.value, str)}
            elif isinstance(node, ast.Dict):  # a table of keys, e.g. message type -> reply
                uses.mentioned |= {v.value for v in node.values
                                   if isinstance(v, ast.Constant) and isinstance(v.value, str)}
            elif isinstance(node, ast.IfExp):  # key = "a" if ... else "b"
                uses.mentioned |= {b.value for b in (node.body, node.orelse)
                                   if isinstance(b, ast.Constant) and isinstance(b.value, str)}
    return uses


def _code() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
            for top in CODE for p in sorted((ROOT / top).rglob("*.py")) if "migrations" not in p.parts}


def unused_keys(keys: set[str], uses: Uses) -> set[str]:
    return {k for k in keys if k not in uses.keys and k not in uses.mentioned
            and not any(k.startswith(p) for p in uses.prefixes)}


def missing_keys(keys: set[str], uses: Uses) -> dict[str, str]:
    missing = {k: at for k, at in uses.keys.items() if k not in keys}
    missing |= {p + "…": at for p, at in uses.prefixes.items() if not any(k.startswith(p) for k in keys)}
    return missing


def test_every_key_in_zh_toml_is_rendered_somewhere() -> None:
    assert unused_keys(set(templates()), _scan(_code())) == set()


def test_every_key_the_code_renders_is_in_zh_toml() -> None:
    assert missing_keys(set(templates()), _scan(_code())) == {}


def test_the_key_checks_catch_a_planted_unused_and_missing_key() -> None:
    code = {"m.py": 'def f(turn, kind):\n    turn.say("here")\n    render("gone", c)\n    label(f"safety_{kind}")\n'}
    uses = _scan(code)
    keys = {"here", "extra", "safety_gas"}
    assert unused_keys(keys, uses) == {"extra"}
    assert set(missing_keys(keys, uses)) == {"gone"}
    assert set(missing_keys({"here"}, uses)) == {"gone", "safety_…"}


def test_replies_does_not_import_the_app() -> None:
    for path in (ROOT / "replies").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            assert not [n for n in names if n.split(".")[0] == "bot"], path


@pytest.mark.parametrize("status", list(Status))
def test_every_ticket_status_has_a_label(status: Status) -> None:
    assert status_label(status) and status_label(status) != str(status)


def test_labels_cover_every_ticket_kind_and_staff_verb() -> None:
    assert {kind_label(kind) for kind in PREFIX} == {"报修", "投诉", "表扬", "人工服务"}
    assert verb_label("accept") == "接单"
    assert status_label("no_such_status") == "no_such_status"


@dataclass
class _Community:
    name: str = "阳光花园"
    company: str = "物业"
    hotline: str = "400"
    duty_phone: str = "110"
    office_hours: str = "9-17"
    office_location: str = "1栋"


def test_render_takes_any_object_with_the_community_fields() -> None:
    assert "阳光花园" in render("chitchat", _Community())
    assert label("duration_hours_minutes", hours=2, minutes=5) == "2小时5分钟"
