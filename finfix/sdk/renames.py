"""Declarative renames: one generic transformer serves every table of simple API moves.

A rule that is only renames subclasses :class:`RenameRule` and lists data:

```python
class NumpyRemovedAliases(RenameRule):
    code, name, summary = "FX401", "numpy2-removed-aliases", "..."
    renames = (
        NameRename("numpy.trapz", "numpy.trapezoid", note="removed in NumPy 2.4"),
        NameRename("numpy.float_", "numpy.float64", note="removed in NumPy 2.0"),
    )
    keyword_renames = (
        KeywordRename(("numpy.percentile", "numpy.quantile"), "interpolation", "method"),
    )
```

Names are matched by qualified name, so every import form works: ``np.trapz``, ``numpy.trapz``,
``from numpy import trapz`` (the import is rewritten too, keeping an ``as`` alias) and
``from numpy import trapz as T``. A new name in a sub-module (``scipy.signal.hann`` →
``scipy.signal.windows.hann``) keeps the user's alias (``signal.windows.hann``); a builtin
(``numpy.float`` → ``builtins.float``) becomes the bare name.

A ``template`` turns the new name into an expression: ``NameRename("numpy.NINF", "numpy.inf",
template="-{}")`` writes ``-np.inf`` (``x**(-np.inf)``, ``(-np.inf).real``: parenthesised where
precedence needs it); ``template="{}()"`` calls it; a template without ``{}`` is a literal
(``"0.0"``) and the from-import goes away. A rename whose safety is ``Safety.DETECT`` is reported
with its note and never rewritten (``new`` may then be empty).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field, replace
from typing import ClassVar, Mapping

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.ast_triggers import AstTrigger
from finfix.sdk.names import code_of, leaves_of, may_resolve_to, qualified_names
from finfix.sdk.rule import Rule, Safety, TracksImports


@dataclass(frozen=True)
class NameRename:
    old: str  # qualified name, e.g. "numpy.trapz"
    new: str  # qualified name, e.g. "numpy.trapezoid" or "builtins.float"
    note: str = ""  # e.g. "removed in NumPy 2.4"
    safety: Safety = Safety.SAFE
    reason: str = ""  # why unsafe, shown with the finding
    template: str = ""  # replacement expression; "{}" is the new name as spelled, e.g. "-{}", "{}()"

    @property
    def old_parent(self) -> str:
        return self.old.rpartition(".")[0]

    @property
    def old_leaf(self) -> str:
        return self.old.rpartition(".")[2]

    @property
    def new_leaf(self) -> str:
        return self.new.rpartition(".")[2]


@dataclass(frozen=True)
class KeywordRename:
    """A keyword argument renamed or dropped on calls to ``callee`` (qualified names)."""

    callee: tuple[str, ...]
    old: str
    new: str | None  # None: drop the keyword
    values: Mapping[str, str] = field(default_factory=dict)  # string-literal value renames
    drop_values: tuple[str, ...] = ()  # drop the keyword when its value's source is one of these
    note: str = ""
    safety: Safety = Safety.SAFE
    reason: str = ""


class RenameRule(TracksImports, Rule):
    """Base of rules that are tables of renames; subclasses only set data (and docs, examples)."""

    renames: ClassVar[tuple[NameRename, ...]] = ()
    keyword_renames: ClassVar[tuple[KeywordRename, ...]] = ()
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "triggers" not in cls.__dict__:
            tokens = {r.old_leaf for r in cls.renames} | {k.old for k in cls.keyword_renames}
            cls.triggers = tuple(sorted(tokens))
        cls._by_old = {r.old: r for r in cls.renames}
        cls._old_leaves = leaves_of(cls._by_old)
        cls._old_keywords = frozenset(k.old for k in cls.keyword_renames)
        cls._callee_leaves = leaves_of(q for k in cls.keyword_renames for q in k.callee)

    def __init__(self, session) -> None:
        super().__init__(session)
        # from-imported names: qualified old name -> [usages found, usages fixed]
        self._from_usage: dict[str, list[int]] = {}
        self._complete: dict[str, bool] = {}
        self._signed: set[int] = set()  # ids of unary expressions built from templates
        self._new_imports: list[str] = []  # modules the replacement being built needs

    # -- names ----------------------------------------------------------------------------------
    def _match(self, node: cst.CSTNode) -> NameRename | None:
        if not may_resolve_to(self, node, self._old_leaves):
            return None
        for q in qualified_names(self, node):
            rename = self._by_old.get(q)
            if rename is not None:
                return rename
        return None

    def _message(self, rename: NameRename, spelled: str, replacement: str) -> str:
        note = f" ({rename.note})" if rename.note else ""
        return f"`{spelled}` → `{replacement}`{note}"

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        # `np.trapz` is handled as a whole; do not descend to rename its parts separately.
        return self._match(node) is None

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if self.in_import:
            return updated_node
        rename = self._match(original_node)
        if rename is None:
            return self._parenthesize(updated_node, "value")
        if rename.safety is Safety.DETECT:
            self.report(original_node, self._detect_message(rename, code_of(original_node)),
                        fix=Safety.DETECT, reason=rename.reason)
            return updated_node
        self._new_imports = []
        replacement = self._attribute_replacement(rename, updated_node)
        message = self._message(rename, code_of(original_node), code_of(replacement))
        if self.report(original_node, message, fix=rename.safety, reason=rename.reason):
            for module in self._new_imports:  # only for an applied fix
                AddImportsVisitor.add_needed_import(self.context, module)
            return replacement
        return updated_node

    def _attribute_replacement(self, rename: NameRename, node: cst.Attribute) -> cst.BaseExpression:
        if rename.template:
            if "{}" not in rename.template:
                return self._templated(rename, "")
            name = self._attribute_replacement(replace(rename, template=""), node)
            return self._templated(rename, code_of(name))
        if rename.new.startswith("builtins."):
            return cst.Name(rename.new_leaf)
        base = node.value
        if rename.new.startswith(rename.old_parent + "."):
            expr: cst.BaseExpression = base
            for part in rename.new[len(rename.old_parent) + 1 :].split("."):
                expr = cst.Attribute(value=expr, attr=cst.Name(part))
            return expr
        module, _, leaf = rename.new.rpartition(".")
        if rename.old_parent.startswith(module + "."):  # `ps.error.NoSuchProcess` -> `ps.NoSuchProcess`
            ancestor: cst.BaseExpression = base
            for _ in range(rename.old_parent[len(module) + 1 :].count(".") + 1):
                if not isinstance(ancestor, cst.Attribute):
                    break
                ancestor = ancestor.value
            else:
                return cst.Attribute(value=ancestor, attr=cst.Name(leaf))
        self._new_imports.append(module)
        return cst.parse_expression(f"{module}.{leaf}")

    def _detect_message(self, rename: NameRename, spelled: str) -> str:
        return f"`{spelled}` {rename.note or 'has no automatic replacement'}"

    # -- templates and precedence -----------------------------------------------------------------
    def _templated(self, rename: NameRename, name: str) -> cst.BaseExpression:
        expr = cst.parse_expression(rename.template.replace("{}", name))
        if isinstance(expr, cst.UnaryOperation):  # `-np.inf`: may need parentheses where it lands
            self._signed.add(id(expr))
        return expr

    def _parenthesize(self, node: cst.CSTNode, *children: str) -> cst.CSTNode:
        """Parenthesise a unary expression this rule put in ``node``'s ``children`` (precedence)."""
        changes = {}
        for attr in children:
            child = getattr(node, attr)
            if id(child) in self._signed and not child.lpar:
                changes[attr] = child.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return node.with_changes(**changes) if changes else node

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        return self._parenthesize(updated_node, "value")

    def leave_BinaryOperation(
        self, original_node: cst.BinaryOperation, updated_node: cst.BinaryOperation
    ) -> cst.BaseExpression:
        if isinstance(updated_node.operator, cst.Power):  # `x**np.NINF` -> `x**(-np.inf)`
            return self._parenthesize(updated_node, "left", "right")
        return updated_node

    def leave_UnaryOperation(
        self, original_node: cst.UnaryOperation, updated_node: cst.UnaryOperation
    ) -> cst.BaseExpression:
        return self._parenthesize(updated_node, "expression")

    def visit_Module(self, node: cst.Module) -> None:
        # A from-imported name is renamed everywhere or nowhere: renaming some uses while the import
        # keeps the old name (because another use is suppressed) would leave a NameError behind.
        collector = _BareUses(self)
        node.visit(collector)
        self._complete = {
            old: not any(self.suppressed(n) for n in uses)
            for old, uses in collector.uses.items()
        }

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if self.in_import:
            return updated_node
        rename = self._match(original_node)
        if rename is None:
            return updated_node
        if rename.safety is Safety.DETECT:
            self.report(original_node, self._detect_message(rename, original_node.value),
                        fix=Safety.DETECT, reason=rename.reason)
            return updated_node
        aliased = original_node.value != rename.old_leaf  # `from numpy import trapz as T`: only the import changes
        if rename.new.startswith("builtins."):  # the import goes away, so an alias cannot stay
            aliased = False
        elif not aliased and _shadows_builtin(rename.new_leaf):
            aliased = True  # `from numpy import alltrue` -> `from numpy import all as alltrue`: keep builtin `all`
        new_name = original_node.value if aliased else rename.new_leaf
        if rename.template:
            message = self._message(rename, original_node.value, rename.template.replace("{}", new_name))
        elif aliased or new_name == original_node.value:  # the import is what changes: show full names
            message = self._message(rename, rename.old, rename.new)
        else:
            message = self._message(rename, original_node.value, new_name)
        if not self._complete.get(rename.old, False):
            self.report(original_node, message, fix=Safety.DETECT,
                        reason=f"another use of `{original_node.value}` in this file is suppressed, "
                        "so its import must stay as it is")
            return updated_node
        applied = self.report(original_node, message, fix=rename.safety, reason=rename.reason)
        self._from_usage.setdefault(rename.old, [0, 0])
        self._from_usage[rename.old][0] += 1
        self._from_usage[rename.old][1] += int(applied)
        if applied and rename.template:
            return self._templated(rename, new_name)
        return updated_node.with_changes(value=new_name) if applied and not aliased else updated_node

    # -- the from-imports, once every usage has been seen -------------------------------------------
    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        done = {old for old, (found, fixed) in self._from_usage.items() if found and found == fixed}
        if not done:
            return updated_node
        return updated_node.visit(_FromImportRewriter(self, done))

    # -- keywords -------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated_node = self._parenthesize(updated_node, "func")
        if not any(
            a.keyword is not None and a.keyword.value in self._old_keywords for a in original_node.args
        ) or not may_resolve_to(self, original_node.func, self._callee_leaves):
            return updated_node
        callee = qualified_names(self, original_node.func)
        if not callee:
            return updated_node
        args = list(updated_node.args)
        changed = False
        for k in self.keyword_renames:
            if not callee.intersection(k.callee):
                continue
            for index, (orig_arg, arg) in enumerate(zip(original_node.args, args)):
                if arg is None or arg.keyword is None or arg.keyword.value != k.old:
                    continue
                new_arg, message, fix = self._keyword_fix(k, arg)
                if new_arg is not None and fix is not Safety.DETECT and k.new == k.old and new_arg.value is arg.value:
                    continue  # a value the table does not rename (`algorithm="elkan"`): nothing to do
                if self.report(orig_arg, message, fix=fix, reason=k.reason if fix is k.safety else ""):
                    args[index] = new_arg
                    changed = True
        if not changed:
            return updated_node
        kept = [a for a in args if a is not None]
        if kept and updated_node.args and args[-1] is None:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(args=kept)

    def _keyword_fix(self, k: KeywordRename, arg: cst.Arg) -> tuple[cst.Arg | None, str, Safety]:
        value_src = code_of(arg.value)
        note = f" ({k.note})" if k.note else ""
        if value_src in k.drop_values or k.new is None:
            return None, f"`{k.old}={value_src}` has no effect any more; drop it{note}", k.safety
        new_value = arg.value
        if k.values:
            if isinstance(arg.value, cst.SimpleString):
                literal = arg.value.evaluated_value
                if literal in k.values:
                    quote = arg.value.quote
                    new_value = arg.value.with_changes(value=f"{arg.value.prefix}{quote}{k.values[literal]}{quote}")
            elif not isinstance(arg.value, cst.SimpleString):
                return arg, f"`{k.old}=` takes new values; check `{value_src}`{note}", Safety.DETECT
        new_arg = arg.with_changes(keyword=cst.Name(k.new), value=new_value)
        shown = code_of(new_arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip()
        return new_arg, f"`{k.old}={value_src}` → `{shown}`{note}", k.safety


def renames_trigger(renames: tuple[NameRename, ...] = (), keyword_renames: tuple[KeywordRename, ...] = ()) -> AstTrigger:
    """The `ast_trigger` of a rule that only renames (no walk of its own): a rename matches a name or
    attribute spelled as the old name's leaf (`RenameRule._match` tests `may_resolve_to` first), a
    keyword rename a call passing the old keyword."""
    return AstTrigger(names={r.old_leaf for r in renames} | {k.old for k in keyword_renames})


def _shadows_builtin(name: str) -> bool:
    return hasattr(builtins, name)


class _BareUses(cst.CSTVisitor):
    """Bare-name uses of renamed names (from-imports), grouped by the old qualified name."""

    def __init__(self, rule: RenameRule) -> None:
        super().__init__()
        self.rule = rule
        self.uses: dict[str, list[cst.Name]] = {}

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # the attribute's own name is never a bare use
        return False

    def visit_Name(self, node: cst.Name) -> None:
        rename = self.rule._match(node)
        if rename is not None:
            self.uses.setdefault(rename.old, []).append(node)


class _FromImportRewriter(cst.CSTTransformer):
    """Rewrites ``from pkg import old [as x]`` once all of ``old``'s usages were fixed."""

    def __init__(self, rule: RenameRule, done: set[str]) -> None:
        super().__init__()
        self.rule = rule
        self.done = done

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if updated_node.relative or updated_node.module is None or isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        module = code_of(updated_node.module)
        names: list[cst.ImportAlias] = []
        changed = False
        for alias in updated_node.names:
            full = f"{module}.{code_of(alias.name)}"
            rename = self.rule._by_old.get(full)
            if rename is None or full not in self.done:
                names.append(alias)
                continue
            changed = True
            asname = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
            if rename.new.startswith("builtins.") or (rename.template and "{}" not in rename.template):
                continue  # the builtin or the literal needs no import
            new_module, _, leaf = rename.new.rpartition(".")
            if asname is None and _shadows_builtin(leaf):  # never shadow a builtin (`all`, `round`, `any`)
                asname = code_of(alias.name)
                alias = alias.with_changes(asname=cst.AsName(name=cst.Name(asname)))
            if new_module == module:
                if not any(code_of(a.name) == leaf and a.asname == alias.asname for a in names):
                    names.append(alias.with_changes(name=cst.Name(leaf)))
            else:
                AddImportsVisitor.add_needed_import(self.rule.context, new_module, leaf, asname)
        if not changed:
            return updated_node
        if not names:
            return cst.RemoveFromParent()
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=names)
