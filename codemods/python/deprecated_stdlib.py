"""FX106 python-deprecated-stdlib: `locale.getdefaultlocale()` and copying or pickling itertools objects."""

from __future__ import annotations

import ast

import libcst as cst
from libcst.metadata import Assignment, QualifiedNameProvider, ScopeProvider

from finfix.sdk.ast_triggers import AstTrigger, Prescan, last_name
from finfix.sdk.names import assignments_of, qualified_names
from finfix.sdk.rule import Example, Rule, Safety, Versions

GETDEFAULTLOCALE = "locale.getdefaultlocale"
#: calls that copy or pickle their first argument
COPIERS = frozenset({"copy.copy", "copy.deepcopy", "pickle.dumps", "pickle.dump"})
ITERTOOLS_PREFIX = "itertools."
_COPIER_LEAVES = frozenset(q.rpartition(".")[2] for q in COPIERS)


def _may_copy_something(call: ast.Call, scan: Prescan) -> bool:
    """A call with an argument of `copy`/`deepcopy`/`dumps`/`dump` by its last part, or of a name imported
    under another (`from copy import copy as cp`, a project's re-export): the only calls besides
    `getdefaultlocale` acted on."""
    if not call.args and not call.keywords:
        return False
    name = last_name(call.func)
    return name is not None and any(scan.may_name(name, leaf) for leaf in _COPIER_LEAVES)


class PythonDeprecatedStdlib(Rule):
    """## What it does
    Reports two standard-library uses that stop working on the Python versions being released now:
    `locale.getdefaultlocale()` (deprecated in Python 3.11, scheduled for removal in 3.15), and copying
    or pickling an itertools object (`pickle.dumps(itertools.count())`, `copy.deepcopy(it)` where `it`
    comes from an `itertools` call), deprecated in 3.12 and removed in 3.14.

    ## Why is this bad?
    `getdefaultlocale()` reads environment variables in an order that disagrees with the C library and
    returns wrong encodings on some platforms; it goes away in 3.15. On Python 3.14, copying or
    pickling `itertools` objects raises `TypeError`: a checkpoint of a research job that pickles a
    `count()` or a `cycle()` no longer saves.

    ## Example
    ```python
    lang, encoding = locale.getdefaultlocale()
    ```
    Use instead:
    ```python
    lang, _ = locale.getlocale()
    encoding = locale.getencoding()  # Python 3.11+
    ```

    ## Fix safety
    Report only. `getlocale()` answers for the current `LC_CTYPE` setting, which is not the same
    question (call `locale.setlocale(locale.LC_ALL, "")` first to match), and what to pickle instead of
    an iterator (its state, or the list it would produce) depends on the program.
    """

    code = "FX106"
    name = "python-deprecated-stdlib"
    summary = "locale.getdefaultlocale() (removed in 3.15) and pickling itertools objects (3.14)."
    safety = Safety.DETECT
    versions = Versions("python", deprecated="3.11", removed="3.14")  # getdefaultlocale first; itertools pickling goes in 3.14
    triggers = ("getdefaultlocale", "itertools")
    ast_trigger = AstTrigger(names={"getdefaultlocale"}, shapes={ast.Call: _may_copy_something})
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider)

    examples = (
        Example("import locale\nlang, enc = locale.getdefaultlocale()\n",
                message="`locale.getdefaultlocale()` is deprecated and goes in Python 3.15", line=2),
        Example("from locale import getdefaultlocale\nlang = getdefaultlocale()[0]\n",
                message="use `locale.getlocale()`", line=2),
        Example("import itertools, pickle\nblob = pickle.dumps(itertools.count(5))\n",
                message="`pickle.dumps` of an `itertools.count` object raises TypeError on Python 3.14", line=2),
        Example(
            """
            import copy
            from itertools import cycle

            def snapshot(symbols):
                rotation = cycle(symbols)
                return copy.deepcopy(rotation)
            """,
            message="`copy.deepcopy` of an `itertools.cycle` object", line=6,
        ),
        # must not touch: getlocale, pickling a list made from an iterator, a project's own `locale`
        Example(
            """
            import itertools, locale, pickle
            lang, enc = locale.getlocale()
            blob = pickle.dumps(list(itertools.islice(itertools.count(), 3)))
            """
        ),
        Example("from mypkg import locale\nlocale.getdefaultlocale()\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        names = qualified_names(self, original_node.func)
        if GETDEFAULTLOCALE in names:
            self.report(original_node, "`locale.getdefaultlocale()` is deprecated and goes in Python 3.15: use "
                                       "`locale.getlocale()` and `locale.getencoding()`")
        elif names & COPIERS and original_node.args:
            made_by = self._itertools_origin(original_node.args[0].value)
            if made_by:
                verb = sorted(names & COPIERS)[0]
                self.report(original_node, f"`{verb}` of an `{made_by}` object raises TypeError on Python 3.14: "
                                           "copy or pickle its state or a list of its items instead")
        return updated_node

    def _itertools_origin(self, expr: cst.BaseExpression) -> str | None:
        """``itertools.count`` when ``expr`` is such a call, or a name bound only to one."""
        if isinstance(expr, cst.Call):
            made = [q for q in qualified_names(self, expr.func) if q.startswith(ITERTOOLS_PREFIX)]
            return made[0] if made else None
        if isinstance(expr, cst.Name):
            bindings = assignments_of(self, expr)
            origins = set()
            for binding in bindings:
                if not isinstance(binding, Assignment) or not isinstance(binding.node, cst.Name):
                    return None
                value = self._assigned_value(binding.node)
                origin = self._itertools_origin(value) if isinstance(value, cst.Call) else None
                if origin is None:
                    return None
                origins.add(origin)
            return origins.pop() if len(origins) == 1 else None
        return None

    def _assigned_value(self, target: cst.Name) -> cst.BaseExpression | None:
        finder = _ValueOf(target)
        self.module.visit(finder)
        return finder.value


class _ValueOf(cst.CSTVisitor):
    """The value assigned by ``name = value`` whose target is the given node."""

    def __init__(self, target: cst.Name) -> None:
        super().__init__()
        self.target = target
        self.value: cst.BaseExpression | None = None

    def visit_Assign(self, node: cst.Assign) -> None:
        if any(t.target is self.target for t in node.targets):
            self.value = node.value
