"""The shape the code promises: no import cycle, outbound below every domain, a handler for
every job kind and ref kind, and the developer tools outside the product package."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import bot
from bot.domains import install_all
from bot.outbound.registry import JobKind, RefKind, Registry

ROOT = Path(__file__).resolve().parents[1]


def _bot_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(bot.__path__, "bot."))


def _imports_of(module: str) -> set[str]:
    """Every `bot.*` module a module imports, at any depth in the file (lazy imports count)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text())
    names: set[str] = set()
    known = set(_bot_modules()) | {"bot"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("bot."))
    names.discard(module)
    return {n for n in names if n in known and n != "bot"}


def _graph() -> dict[str, set[str]]:
    return {m: _imports_of(m) for m in _bot_modules()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if state.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_inside_bot_counting_lazy_imports() -> None:
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()) or [])


def test_the_cycle_check_finds_a_planted_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_outbound_imports_no_domain() -> None:
    domains = ("bot.tickets", "bot.surveys", "bot.notices", "bot.people", "bot.dialogue")
    for module, deps in _graph().items():
        if module.startswith("bot.outbound"):
            assert not [d for d in deps if d.startswith(domains)], module


def test_lower_domains_do_not_import_the_dialogue_policy_or_the_edge() -> None:
    for module, deps in _graph().items():
        if module.startswith(("bot.tickets", "bot.surveys", "bot.notices", "bot.people")):
            bad = [d for d in deps if d in ("bot.dialogue.policy", "bot.wechat.inbox", "bot.wechat.webhook", "bot.app")]
            assert not bad, (module, bad)


def test_tickets_import_no_survey_code() -> None:
    for module, deps in _graph().items():
        if module.startswith("bot.tickets"):
            assert not [d for d in deps if d.startswith("bot.surveys")], module


def test_every_job_kind_and_ref_kind_has_a_handler_once_installed() -> None:
    registry = install_all(Registry())
    assert registry.missing() == []
    assert set(registry.jobs) == {str(k) for k in JobKind}
    assert set(registry.results) == {str(k) for k in RefKind}


def test_an_empty_registry_reports_what_is_missing() -> None:
    assert "survey_send" in Registry().missing()


def test_developer_tools_live_outside_the_product_package() -> None:
    for name in ("fake_wechat", "wire", "chat", "demo"):
        assert not (ROOT / "bot" / f"{name}.py").exists()
        assert (ROOT / "wuye_dev" / f"{name}.py").exists()
    for module in _bot_modules():
        assert not [d for d in _imports_of(module) if d.startswith("wuye_dev")]
