"""The house's arrows: no import circle inside ``hublet/``, and no shared module reaching up.

Read from the source with ``ast`` (nothing is imported), so a circle hidden in a function body,
where Python only meets it on the first call, fails here before it costs anyone an afternoon.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "hublet"

#: Packages that each serve one part of the site or one set of commands.
FEATURES = frozenset(
    {
        "site",
        "articles",
        "comments",
        "search",
        "moderation",
        "feeds",
        "editorial",
        "demo",
        "maintenance",
        "newsroom",
        "media",
    }
)
#: Packages that run only behind ``flask`` commands; what a request runs never imports them.
COMMAND_LINE_ONLY = frozenset({"editorial", "demo", "maintenance"})
#: The app factory and the command registry put the features together, so they may import them.
COMPOSITION_ROOTS = frozenset({"hublet", "hublet.cli"})


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, where, and whether it runs when the module loads."""

    source: str
    target: str
    path: Path
    line: int
    function: str | None
    type_checking: bool

    def where(self) -> str:
        place = f"{self.path.relative_to(PACKAGE.parent)}:{self.line}"
        if self.function:
            place += f" in {self.function}()"
        if self.type_checking:
            place += " (TYPE_CHECKING)"
        return place


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def feature_of(module: str) -> str | None:
    """The feature package ``module`` belongs to, or None for a shared module or a root."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def is_shared(module: str) -> bool:
    return module not in COMPOSITION_ROOTS and feature_of(module) is None


def resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute module name of ``from X import ...`` (relative imports included)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package(module):
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def innermost_hublet_module(name: str) -> str | None:
    """``name`` itself when it is a module of ours, else the closest enclosing one."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


class _ImportFinder(ast.NodeVisitor):
    """Every import of a hublet module, at top level and inside functions alike."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.found: list[Import] = []
        self.functions: list[str] = []
        self.type_checking = 0

    def _add(self, target: str, node: ast.stmt) -> None:
        if target and target != self.module:
            self.found.append(
                Import(
                    self.module,
                    target,
                    MODULES[self.module],
                    node.lineno,
                    self.functions[-1] if self.functions else None,
                    self.type_checking > 0,
                )
            )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        test = ast.unparse(node.test)
        guarded = test in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        self.type_checking += guarded
        for child in node.body:
            self.visit(child)
        self.type_checking -= guarded
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if target := innermost_hublet_module(alias.name):
                self._add(target, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = resolve(self.module, node)
        for alias in node.names:
            # ``from hublet.articles import routes`` names a submodule; ``... import bp`` a value.
            if target := innermost_hublet_module(f"{base}.{alias.name}"):
                self._add(target, node)


def imports_of(module: str) -> list[Import]:
    finder = _ImportFinder(module)
    finder.visit(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    return finder.found


IMPORTS = {module: imports_of(module) for module in MODULES}


def runtime_edges() -> dict[str, dict[str, Import]]:
    """Who imports whom when the code runs, one witness statement per arrow.

    A package's submodule importing the package itself (``from hublet.articles import bp``) is
    left out: ``__init__`` defines the blueprint first and imports its routes last to register
    them, so that pair is the registration idiom and not a circle. Every other arrow counts,
    function-level ones included.
    """
    edges: dict[str, dict[str, Import]] = {module: {} for module in MODULES}
    for module, found in IMPORTS.items():
        for imported in found:
            if imported.type_checking or module.startswith(imported.target + "."):
                continue
            edges[module].setdefault(imported.target, imported)
    return edges


def strongly_connected(edges: dict[str, dict[str, Import]]) -> Iterator[list[str]]:
    """Tarjan's algorithm: each group of modules that can all reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> Iterator[list[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                yield from visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            yield sorted(group)

    for node in sorted(edges):
        if node not in index:
            yield from visit(node)


def shortest_cycle(start: str, group: set[str], edges: dict[str, dict[str, Import]]) -> list[str]:
    """A shortest way from ``start`` back to itself inside ``group`` (breadth first)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(edges[node]):
                if target not in group:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"{start} is not on a cycle")


def describe_chain(chain: list[str], edges: dict[str, dict[str, Import]]) -> str:
    steps = [f"  {a} -> {b}  ({edges[a][b].where()})" for a, b in pairwise(chain)]
    return " -> ".join(chain) + "\n" + "\n".join(steps)


def test_the_walker_sees_function_level_and_relative_imports() -> None:
    """The walker itself: a circle hidden in a function body must not slip past it."""
    source = (
        "from . import extensions\n"
        "def later():\n"
        "    from hublet.articles import popularity\n"
        "    import hublet.timeutil\n"
        "if TYPE_CHECKING:\n"
        "    from hublet.models import Article\n"
    )
    finder = _ImportFinder("hublet.config")
    finder.visit(ast.parse(source))
    found = {(i.target, i.function, i.type_checking) for i in finder.found}
    assert ("hublet.extensions", None, False) in found
    assert ("hublet.articles.popularity", "later", False) in found
    assert ("hublet.models", None, True) in found
    assert ("hublet.timeutil", "later", False) in found


def test_no_import_circle_between_hublet_modules() -> None:
    edges = runtime_edges()
    circles = []
    for group in strongly_connected(edges):
        if len(group) > 1 or group[0] in edges[group[0]]:
            circles.append(describe_chain(shortest_cycle(group[0], set(group), edges), edges))
    assert not circles, "import circles (each chain, then where each arrow is):\n" + "\n".join(
        circles
    )


def test_shared_modules_import_no_feature() -> None:
    wrong = [
        f"{imported.source} imports {imported.target}  ({imported.where()})"
        for module, found in IMPORTS.items()
        if is_shared(module)
        for imported in found
        if feature_of(imported.target)
    ]
    assert not wrong, "shared modules reaching up into a feature package:\n" + "\n".join(wrong)


def test_web_code_imports_no_command_line_package() -> None:
    """Importers, seeding and maintenance stay out of what serves a request."""
    wrong = [
        f"{imported.source} imports {imported.target}  ({imported.where()})"
        for module, found in IMPORTS.items()
        if feature_of(module) not in (None, *COMMAND_LINE_ONLY) and not module.endswith(".commands")
        for imported in found
        if feature_of(imported.target) in COMMAND_LINE_ONLY
    ]
    assert not wrong, "web code importing a command-line package:\n" + "\n".join(wrong)


def test_every_feature_package_is_known() -> None:
    """A new sub-package is either a feature (listed above) or a shared one: decide, don't drift."""
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert packages <= FEATURES, f"unclassified packages in hublet/: {sorted(packages - FEATURES)}"
