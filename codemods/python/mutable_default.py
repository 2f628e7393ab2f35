"""FX101 mutable-default."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import (
    BuiltinAssignment,
    ClassScope,
    ImportAssignment,
    ParentNodeProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from finfix.codemods.python.mutable_default_nodes import (
    _names_in_order,
    admits_none,
    all_params,
    as_block,
    flat_contents,
    is_store_target,
    is_stub_statement,
    loaded_names,
    none_block,
    replace_params,
    same_function,
    split_docstring_line,
)
from finfix.sdk.names import code_of, is_docstring, qualified_names, resolves_to, short_code
from finfix.sdk.rule import Example, Rule, Safety

MUTABLE_CALLS = (
    "builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray",
    "collections.defaultdict", "collections.OrderedDict", "collections.Counter", "collections.deque",
    "numpy.array", "numpy.zeros", "numpy.empty", "numpy.ones", "numpy.full",
    "pandas.DataFrame", "pandas.Series",
)
MUTABLE_LITERALS = (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)

# Methods that only read a container; anything else called on the parameter may mutate it.
READ_METHODS = frozenset(
    {"get", "keys", "values", "items", "copy", "count", "index", "startswith", "endswith", "issubset",
     "issuperset", "isdisjoint", "union", "intersection", "difference", "symmetric_difference",
     "sum", "mean", "min", "max", "any", "all", "tolist", "to_dict", "to_numpy", "astype", "__contains__"}
)
# Builtins that neither keep nor mutate their argument.
READ_BUILTINS = frozenset(
    {"len", "sorted", "list", "tuple", "set", "frozenset", "dict", "iter", "enumerate", "zip", "isinstance",
     "sum", "min", "max", "any", "all", "str", "repr", "bool", "print", "reversed", "hash", "id", "type",
     "format", "bytes"}
)
# Methods of *another* object that read an argument without keeping it: `query.update(params)`.
READ_ARG_METHODS = frozenset(
    {"update", "extend", "union", "intersection", "difference", "symmetric_difference", "issubset",
     "issuperset", "isdisjoint", "join", "startswith", "endswith", "isin"}
)
# Read methods whose result is (or holds) the container's own elements.
ELEMENT_METHODS = frozenset({"get", "values", "items", "__getitem__"})
MEMO_NAMES = frozenset({"_cache", "cache", "_memo", "memo", "_seen", "seen", "_registry", "registry"})


@dataclass
class _Use:
    """How the body uses a parameter: ``harmful`` is None for read-only use, else a description."""

    harmful: str | None = None
    mutated: bool = False
    compared_with_none: bool = False


class MutableDefault(Rule):
    """## What it does
    Replaces mutable parameter defaults (`[]`, `{}`, sets, comprehensions, `list()`, `dict()`, `set()`,
    `collections.defaultdict/OrderedDict/Counter/deque(...)`, `np.zeros(...)`, `pd.DataFrame(...)`)
    with `None`, and creates the original default inside the function:
    `if NAME is None: NAME = <the original expression>`, placed after the docstring and any leading
    `global`/`nonlocal`, one block per parameter in order. An annotation `T` becomes `T | None`
    (`Optional[T]` when the target Python is older than 3.10).

    ## Why is this bad?
    A default is evaluated once, when the `def` runs. A list or dict default is therefore one object
    shared by every call: `async def fetch(symbol, params={})` that does `params["limit"] = 100` leaks
    that key into every later call. The seed audit's critical fix #6 was exactly this.

    ## Example
    ```python
    def add_trade(trade, book=[]):
        book.append(trade)
        return book
    ```
    Use instead:
    ```python
    def add_trade(trade, book=None):
        if book is None:
            book = []
        book.append(trade)
        return book
    ```

    ## Fix safety
    Safe when the body only reads the parameter (iterates it, takes `len()`, looks items up), since a
    fresh default then behaves the same. Unsafe when the body mutates, returns, yields, stores, aliases
    or passes the parameter on, or already compares it with `None`: the object is no longer shared
    between calls, which is the point of the fix but is a change of behaviour. The finding says which.

    ## Not rewritten, only reported
    Lambdas (no statement can be inserted), stub bodies (`...`), `@overload` signatures, dataclass
    fields, and the memo-cache idiom (`_cache={}` filled by the function on purpose).
    """

    code = "FX101"
    name = "mutable-default"
    summary = "Mutable default argument shared between calls; use None and create it inside."
    safety = Safety.UNSAFE
    triggers = ("[", "{", "(")
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider, ParentNodeProvider)

    @classmethod
    def applies_to(cls, source: str) -> bool:
        """A text pre-check: a `def`/`lambda` default or a dataclass field that may be mutable.

        It over-approximates (a hit only means the file gets parsed) and never misses what the visitor
        reports: a signature the regex cannot delimit counts as a hit. Costs ~10 µs per file.
        """
        if "=" not in source:
            return False
        names = {q.rsplit(".", 1)[1] for q in MUTABLE_CALLS}
        alt = "|".join(sorted(names))
        # `from collections import deque as dq`: `dq(...)` resolves to collections.deque
        # (regexes start with a literal where they can: Python's `re` scans for it in C)
        aliases = {
            m.group(1) for m in re.finditer(r" as (\w+)", source)
            if (source[max(0, m.start() - 40) : m.start()].split() or [""])[-1] in names
        }
        if aliases:
            alt += "|" + "|".join(sorted(aliases))
        mutable = re.compile(rf"=\s*[(\s]*(?:\[|\{{|(?:[A-Za-z_][\w.]*\.)?(?:{alt})\s*\()")
        string = r"""'(?:[^'\\\n]|\\.)*+'|"(?:[^"\\\n]|\\.)*+"|\#[^\n]*+"""
        nested = r"\((?:[^()'\"#]++|" + string + r")*+\)"
        for _ in range(3):  # parentheses nested three deep inside a signature
            nested = r"\((?:[^()'\"#]++|" + string + "|" + nested + r")*+\)"
        signature = re.compile(r"(?:[^()'\"#]++|" + string + "|" + nested + r")*+\)")
        for header in re.finditer(r"def\s+\w+\s*(?:\[[^\]]*\]\s*)?\(", source):
            sig = signature.match(source, header.end())
            if sig is None or mutable.search(sig.group()):
                return True
        if "lambda" in source and any(mutable.search(s) for s in re.findall(r"lambda\b[^:]*", source)):
            return True
        if "dataclass" in source:
            field_re = re.compile(r"^[ \t]+\w+[ \t]*:[^\n]*?" + mutable.pattern, re.MULTILINE)
            if field_re.search(source):
                return True
        return False

    examples = (
        Example(
            """
            def total(prices, weights={}):
                \"\"\"Weighted total.\"\"\"
                return sum(p * weights.get(k, 1.0) for k, p in prices.items())
            """,
            """
            def total(prices, weights=None):
                \"\"\"Weighted total.\"\"\"
                if weights is None:
                    weights = {}
                return sum(p * weights.get(k, 1.0) for k, p in prices.items())
            """,
        ),
        Example(
            """
            async def fetch_trades(self, symbol, params={}):
                params["limit"] = 100  # mutates the shared default
                return await self.get(symbol, params)
            """,
            """
            async def fetch_trades(self, symbol, params=None):
                if params is None:
                    params = {}
                params["limit"] = 100  # mutates the shared default
                return await self.get(symbol, params)
            """,
            unsafe=True,
        ),
        Example(
            """
            from collections import defaultdict
            def group(rows, *, out: dict[str, list] = defaultdict(list)):
                global SEEN
                for k, v in rows:
                    out[k].append(v)
                return out
            """,
            """
            from collections import defaultdict
            def group(rows, *, out: dict[str, list] | None = None):
                global SEEN
                if out is None:
                    out = defaultdict(list)
                for k, v in rows:
                    out[k].append(v)
                return out
            """,
            unsafe=True,
        ),
        Example(
            "def f(a, /, cols=[], b=1): return len(cols) + a  # one-liner\n",
            """
            def f(a, /, cols=None, b=1):  # one-liner
                if cols is None:
                    cols = []
                return len(cols) + a
            """,
        ),
        # Rewritten only with --unsafe-fixes: without them the source stays as it is.
        Example("def f(xs=[]):\n    xs.append(1)\n    return xs\n", reported=True),
        # Immutable defaults are fine.
        Example("def f(a=(), b=None, c=frozenset(), d='x', e=0, f=range(3)):\n    return a\n"),
        # Reported, not rewritten.
        Example("f = lambda x=[]: x\n", reported=True),
        Example("def f(x=[]): ...\n", reported=True),
        Example(
            """
            from typing import overload
            @overload
            def f(x: list = []) -> None: ...
            """,
            reported=True,
        ),
        Example(
            """
            def fib(n, _cache={}):
                if n not in _cache:
                    _cache[n] = n if n < 2 else fib(n - 1) + fib(n - 2)
                return _cache[n]
            """,
            reported=True,
        ),
        Example(
            """
            from dataclasses import dataclass
            @dataclass
            class Book:
                trades: list = []
            """,
            reported=True,
        ),
        # Look-alikes: call arguments and non-dataclass class attributes are not parameter defaults.
        Example("parser.add_argument('--x', default=[])\nclass Model(BaseModel):\n    tags: list = []\n"),
        # A shadowed `list` is not the builtin.
        Example("def list(*a): return a\ndef f(x=list()):\n    return x\n"),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._dataclass_depth: list[bool] = []

    # -- detection ---------------------------------------------------------------------------------
    def _is_mutable(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, MUTABLE_LITERALS):
            return True
        if isinstance(expr, cst.Call):
            return resolves_to(self, expr.func, MUTABLE_CALLS) is not None
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        is_dc = any(
            resolves_to(self, d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator,
                        ("dataclasses.dataclass",))
            for d in node.decorators
        )
        self._dataclass_depth.append(is_dc)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._dataclass_depth.pop()
        return updated_node

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if not self._dataclass_depth or not self._dataclass_depth[-1] or node.value is None:
            return
        parent = self.get_metadata(ParentNodeProvider, node)
        grand = self.get_metadata(ParentNodeProvider, parent, None)
        in_class_body = isinstance(self.get_metadata(ParentNodeProvider, grand, None), cst.ClassDef)
        if in_class_body and self._is_mutable(node.value):
            self.report(
                node,
                f"dataclass field with mutable default `{short_code(node.value)}` raises ValueError; "
                f"use `field(default_factory=...)`",
                reason="class fields are not function defaults; rewrite by hand",
            )

    def visit_Lambda(self, node: cst.Lambda) -> None:
        for param in all_params(node.params):
            if param.default is not None and self._is_mutable(param.default):
                self.report(
                    param,
                    f"mutable default `{param.name.value}={short_code(param.default)}` in a lambda is shared between calls",
                    reason="a lambda cannot hold the `if ... is None` statement; turn it into a def",
                )

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        candidates = [
            (i, p) for i, p in enumerate(all_params(original_node.params))
            if p.default is not None and self._is_mutable(p.default)
        ]
        if not candidates:
            return updated_node
        blocker = self._why_not_rewritable(original_node)
        to_fix: list[int] = []
        for i, param in candidates:
            name = param.name.value
            shown = f"`{name}={short_code(param.default)}`"
            message = f"mutable default {shown} is shared between calls"
            if blocker:
                self.report(param, message, reason=blocker)
                continue
            moved = self._scope_problem(original_node, param)
            if moved:
                self.report(param, message, reason=moved)
                continue
            use = self._usage(original_node, param)
            if use.mutated and (name in MEMO_NAMES or name.startswith("_")):
                self.report(
                    param,
                    message,
                    reason=f"`{name}` looks like a deliberate cache filled across calls; "
                    "consider functools.lru_cache instead",
                )
                continue
            reasons = []
            if use.harmful:
                reasons.append(f"`{name}` is {use.harmful}: each call now gets a fresh object instead of the shared one")
            late, loop = self._late_name(original_node, param)
            if loop:  # every function made in the loop would see the loop's last value: never right
                self.report(param, message, reason=late + "; create the default by hand")
                continue
            if late:
                reasons.append(late)
            fix, reason = (Safety.UNSAFE, "; ".join(reasons)) if reasons else (Safety.SAFE, "")
            if self.report(param, message, fix=fix, reason=reason):
                to_fix.append(i)
        if not to_fix:
            return updated_node
        return self._rewrite(updated_node, to_fix)

    def _why_not_rewritable(self, fn: cst.FunctionDef) -> str:
        for d in fn.decorators:
            target = d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator
            if resolves_to(self, target, ("typing.overload", "typing_extensions.overload")):
                return "an @overload signature only describes types; fix the implementation"
        body = fn.body
        stmts = body.body if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)) else ()
        simple = [s for s in stmts if not is_docstring(s)] if isinstance(body, cst.IndentedBlock) else list(stmts)
        if all(is_stub_statement(s) for s in simple):
            return "the body is a stub; fix the real implementation"
        return ""

    def _usage(self, fn: cst.FunctionDef, param: cst.Param) -> _Use:
        use = _Use()
        scope = self.get_metadata(ScopeProvider, fn.body, None)
        if scope is None:
            return _Use(harmful="used in a way finfix cannot follow")
        name = param.name.value
        accesses = [
            access
            for assignment in scope.assignments[name]
            if getattr(assignment, "node", None) is param
            for access in assignment.references
        ]
        # LibCST keeps references in a set: visit them in source order, so that the reason a finding
        # gives (the first harmful use) is the same in every run.
        order = {id(n): i for i, n in enumerate(_names_in_order(fn))}
        accesses.sort(key=lambda a: order.get(id(a.node), len(order)))
        # `x += [1]` extends the list in place, but LibCST records it as a new binding, not a use
        for assignment in scope.assignments[name]:
            target = getattr(assignment, "node", None)
            if isinstance(target, cst.Name) and isinstance(
                self.get_metadata(ParentNodeProvider, target, None), cst.AugAssign
            ):
                use.mutated = True
                use.harmful = use.harmful or f"mutated (`{self._statement_text(target)}`)"
        deep = self._element_risk(param.default)
        for access in accesses:
            node = access.node
            if not same_function(access.scope, scope):
                use.harmful = use.harmful or "captured by a nested function or lambda"
                continue
            verdict = self._classify(node, deep)
            if verdict == "none-check":
                use.compared_with_none = True
                use.harmful = use.harmful or "already compared with None in the body"
            elif verdict == "mutated":
                use.mutated = True
                use.harmful = use.harmful or f"mutated (`{self._statement_text(node)}`)"
            elif verdict:
                use.harmful = use.harmful or verdict
        return use

    def _scope_problem(self, fn: cst.FunctionDef, param: cst.Param) -> str:
        """Why the default cannot move into the body: a name in it means something else there."""
        inner = self.get_metadata(ScopeProvider, fn.body, None)
        outer = self.get_metadata(ScopeProvider, fn, None)
        for name in sorted(loaded_names(param.default)):
            if inner is not None and inner.assignments[name]:
                return (
                    f"the default uses `{name}`, which inside the function is a parameter or local variable; "
                    "create the default by hand"
                )
            if isinstance(outer, ClassScope) and outer.assignments[name]:
                return f"the default uses `{name}`, a class attribute the method body cannot see; create it by hand"
        return ""

    def _late_name(self, fn: cst.FunctionDef, param: cst.Param) -> tuple[str, bool]:
        """Why reading the default's names at each call may differ from reading them once when the
        `def` ran ('' when every name is an import or a builtin), and whether a name is a loop variable."""
        outer = self.get_metadata(ScopeProvider, fn, None)
        if outer is None:
            return "", False
        for name in sorted(loaded_names(param.default)):
            found = outer[name] if name in outer else set()
            if found and all(isinstance(a, (ImportAssignment, BuiltinAssignment)) for a in found):
                continue
            if any(self._is_loop_target(a) for a in found):
                return (f"`{name}` is a loop variable: each `def` took the value it had then, after the fix "
                        "every call would read its last value"), True
            if len(found) > 1:
                what = f"`{name}` is bound more than once: the `def` took the value it had then"
            else:
                what = f"the default reads `{name}` once, when the `def` runs"
            return f"{what}; after the fix every call reads its value at call time", False
        return "", False

    def _is_loop_target(self, assignment) -> bool:
        node = getattr(assignment, "node", None)
        current = node
        while current is not None:
            parent = self.get_metadata(ParentNodeProvider, current, None)
            if isinstance(parent, (cst.For, cst.CompFor)) and parent.target is current:
                return True
            if parent is None or isinstance(parent, (cst.BaseSuite, cst.BaseStatement)):
                return False
            current = parent
        return False

    def _element_risk(self, default: cst.BaseExpression) -> str:
        """'' when the default's elements are immutable (or it has none), 'nested' when they may be mutable
        objects, 'defaultdict' when even reading a key changes it."""
        if isinstance(default, cst.Call):
            qualified = resolves_to(self, default.func, MUTABLE_CALLS) or ""
            if qualified == "collections.defaultdict":
                return "defaultdict"
            if qualified.startswith(("numpy.", "pandas.")):
                return "nested"  # views: `a[0][1] = 5`, `df["c"].iloc[0] = 1`
            flat = all(flat_contents(arg.value) for arg in default.args)
            return "" if flat else "nested"
        return "" if flat_contents(default) else "nested"

    def _statement_text(self, node: cst.CSTNode) -> str:
        """The first line of the simple statement around ``node``, for messages."""
        current = node
        while True:
            parent = self.get_metadata(ParentNodeProvider, current, None)
            if parent is None or isinstance(parent, (cst.SimpleStatementLine, cst.BaseSuite, cst.BaseCompoundStatement)):
                break
            current = parent
        lines = code_of(current).strip().splitlines()
        return lines[0][:60] if lines else code_of(node)

    def _classify(self, node: cst.CSTNode, deep: str = "") -> str:
        """'' for a read; 'mutated', 'none-check', or a description of a harmful use.

        ``deep`` is the default's element risk (see ``_element_risk``): when its elements are mutable
        themselves, what happens to an element (`x[0].append(1)`) happens to the shared default too.
        """
        parent = self.get_metadata(ParentNodeProvider, node)
        grand = self.get_metadata(ParentNodeProvider, parent, None)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if isinstance(grand, cst.Call) and grand.func is parent:
                if parent.attr.value not in READ_METHODS:
                    return "mutated"
                if deep and parent.attr.value in ELEMENT_METHODS:
                    return self._classify(grand, deep)  # `x.get(k).append(v)`
                return ""
            if is_store_target(parent, grand):
                return "mutated"
            return ""
        if isinstance(parent, cst.Subscript) and parent.value is node:
            if is_store_target(parent, grand):
                return "mutated"
            if deep == "defaultdict":
                return "mutated"  # reading a missing key inserts it
            return self._classify(parent, deep) if deep else ""  # `x[0][1] = 5`, `x["a"].append(v)`
        if deep and isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node:
            return "iterated over, and its elements are mutable objects shared between calls"
        if isinstance(parent, (cst.BooleanOperation, cst.IfExp)) and getattr(parent, "test", None) is not node:
            return self._classify(parent, deep)  # `y = x or []` makes `y` the shared object
        if isinstance(parent, cst.AugAssign) and parent.target is node:
            return "mutated"
        if isinstance(parent, cst.Arg) and isinstance(grand, cst.Call):
            if isinstance(grand.func, cst.Name) and grand.func.value in READ_BUILTINS and not parent.star:
                if qualified_names(self, grand.func) <= {f"builtins.{grand.func.value}"}:
                    return ""
            if isinstance(grand.func, cst.Attribute) and grand.func.attr.value in READ_ARG_METHODS and not parent.star:
                return ""
            return f"passed on to `{code_of(grand.func)}()`"
        if isinstance(parent, cst.Return):
            return "returned"
        if isinstance(parent, (cst.Yield, cst.Await)):
            return "yielded" if isinstance(parent, cst.Yield) else "awaited"
        if isinstance(parent, (cst.Element, cst.DictElement, cst.StarredElement, cst.StarredDictElement)):
            return "stored in a container"
        if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.NamedExpr)) and getattr(parent, "value", None) is node:
            return "aliased to another name"
        if isinstance(parent, cst.Comparison):
            for target in parent.comparisons:
                if isinstance(target.operator, (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual)) and m.matches(
                    target.comparator, m.Name("None")
                ):
                    return "none-check"
            return ""
        if isinstance(parent, cst.ComparisonTarget):
            if m.matches(parent.comparator, m.Name("None")) or isinstance(parent.operator, (cst.In, cst.NotIn)):
                pass
            grand_cmp = grand if isinstance(grand, cst.Comparison) else None
            if grand_cmp is not None and m.matches(grand_cmp.left, m.Name("None")):
                return "none-check"
            return ""
        if isinstance(
            parent,
            (cst.For, cst.CompFor, cst.If, cst.While, cst.IfExp, cst.BooleanOperation, cst.UnaryOperation,
             cst.BinaryOperation, cst.FormattedStringExpression, cst.Assert),
        ):
            if isinstance(parent, cst.For) and parent.target is node:
                return "reassigned by a loop"
            return ""
        if isinstance(parent, (cst.AssignTarget, cst.Del)):
            return "reassigned or deleted"
        return f"used as `{code_of(parent).strip()[:40]}`"

    # -- rewriting ---------------------------------------------------------------------------------
    def _rewrite(self, fn: cst.FunctionDef, indices: list[int]) -> cst.FunctionDef:
        params = list(all_params(fn.params))
        chosen = sorted(indices)
        blocks: list[cst.BaseStatement] = []
        replacements: dict[int, cst.Param] = {}
        for i in chosen:
            p = params[i]
            blocks.append(none_block(p.name.value, p.default))
            replacements[i] = p.with_changes(default=cst.Name("None"), annotation=self._optional(p.annotation))
        new_params = replace_params(fn.params, replacements)
        body = as_block(fn.body)
        stmts = split_docstring_line(list(body.body))
        at = 1 if stmts and is_docstring(stmts[0]) else 0
        while at < len(stmts) and isinstance(stmts[at], cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Global, cst.Nonlocal)) for s in stmts[at].body
        ):
            at += 1
        stmts[at:at] = blocks
        return fn.with_changes(params=new_params, body=body.with_changes(body=stmts))

    def _optional(self, ann: cst.Annotation | None) -> cst.Annotation | None:
        if ann is None:
            return None
        expr = ann.annotation
        if admits_none(expr):
            return ann
        pipe = self.session.settings.target_python >= (3, 10) or self._has_future_annotations()
        if isinstance(expr, cst.SimpleString):
            quote = expr.quote
            inner = expr.value[len(expr.prefix) + len(quote) : -len(quote)]
            if pipe:
                value = f"{inner} | None"
            else:  # a string annotation is still evaluated by typing.get_type_hints, pydantic and the like
                AddImportsVisitor.add_needed_import(self.context, "typing", "Optional")
                value = f"Optional[{inner}]"
            return ann.with_changes(annotation=expr.with_changes(value=f"{expr.prefix}{quote}{value}{quote}"))
        if pipe:
            return ann.with_changes(annotation=cst.BinaryOperation(expr, cst.BitOr(), cst.Name("None")))
        AddImportsVisitor.add_needed_import(self.context, "typing", "Optional")
        return ann.with_changes(
            annotation=cst.Subscript(cst.Name("Optional"), [cst.SubscriptElement(cst.Index(expr))])
        )

    def _has_future_annotations(self) -> bool:
        for stmt in self.module.body:
            if m.matches(
                stmt,
                m.SimpleStatementLine(body=[m.ImportFrom(module=m.Name("__future__"))]),
            ) and any(
                isinstance(a, cst.ImportAlias) and a.name.value == "annotations"
                for a in stmt.body[0].names  # type: ignore[union-attr]
            ):
                return True
        return False

