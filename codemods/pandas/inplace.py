"""FX201 pandas-inplace."""

from __future__ import annotations

import re

import libcst as cst

from finfix.codemods.pandas.fillna_method import FORWARD
from finfix.codemods.pandas.inplace_safety import ReboundSafety
from finfix.sdk.evidence.kinds import Level, Typed
from finfix.sdk.names import code_of, is_dotted_name, is_false, is_true, keyword, remove_arg, short_code
from finfix.sdk.pandas_types import LOOKALIKE_MODULES, Kind, PandasRule, evidence_policy, unproven
from finfix.sdk.realign import shift_aligned
from finfix.sdk.rule import Effect, Example, Rule, Safety, Versions

#: pandas 3.1 deprecates `inplace=` on these (PDEP-8); with `inplace=True` they return None.
DEPRECATED = frozenset(
    "drop dropna drop_duplicates rename rename_axis reset_index set_index sort_index sort_values eval query".split()
)
#: These keep `inplace=` (and return the object since 3.0); they preserve the shape, so a column
#: can be assigned back: `df["a"] = df["a"].fillna(0)`.
_INPLACE = re.compile(r"\binplace\s*=")
SHAPE_PRESERVING = frozenset("fillna ffill bfill replace interpolate where mask clip".split())
#: pandas 2.0 removed `inplace=` from these: the call raises TypeError, assigning the result is the fix.
REMOVED = frozenset(
    "set_categories rename_categories add_categories remove_categories reorder_categories "
    "remove_unused_categories as_ordered as_unordered set_axis set_levels set_codes".split()
)
#: `Index.set_names` / `Index.rename` keep a working `inplace=` on pandas 3.1: nothing to change.
INDEX_KEEPS = frozenset({"set_names", "rename"})
METHODS = DEPRECATED | SHAPE_PRESERVING | REMOVED

class PandasInplace(ReboundSafety, PandasRule, Rule):
    """## What it does
    Rewrites the statement `RECV.method(..., inplace=True)` to `RECV = RECV.method(...)` for the pandas
    methods that take `inplace` (`drop`, `dropna`, `drop_duplicates`, `rename`, `rename_axis`,
    `reset_index`, `set_index`, `sort_index`, `sort_values`, `eval`, `query`, and the shape-preserving
    `fillna`, `ffill`, `bfill`, `replace`, `interpolate`, `where`, `mask`, `clip`). RECV is a name, an
    attribute chain (`self.df`) or a subscript: `df["a"].fillna(0, inplace=True)` becomes
    `df["a"] = df["a"].fillna(0)`. `inplace=False` is dropped.

    ## Why is this bad?
    pandas 3.1 deprecates `inplace` on the first eleven methods (PDEP-8, removal planned for 4.0).
    Under copy-on-write (always on since pandas 3.0) a chained `df["a"].fillna(0, inplace=True)`
    silently does nothing: `df` keeps its NaN.

    ## Example
    ```python
    df = pd.read_csv("px.csv")
    df.dropna(subset=["close"], inplace=True)
    df["volume"].fillna(0, inplace=True)
    ```
    Use instead:
    ```python
    df = pd.read_csv("px.csv")
    df = df.dropna(subset=["close"])
    df["volume"] = df["volume"].fillna(0)
    ```

    `Categorical`/`.cat` methods and `set_axis`/`set_levels`/`set_codes`, whose `inplace=` pandas 2.0
    removed (a TypeError), become `s = s.cat.set_categories(...)`. `df.fillna(method="ffill",
    inplace=True)` becomes `df = df.ffill()` in one step, so FX201 and FX203 always compose into code
    that runs on pandas 3.

    ## Fix safety
    The receiver must be pandas by finfix's evidence: proven (the file, a project function's return,
    `finfix record`), or inferred (call sites, class attributes, duck typing, a checker, or the call's
    own API shape: a pandas method name with `inplace=`, which only pandas and its API clones accept,
    in a module that imports no look-alike library). Inferred receivers get unsafe fixes that name the
    evidence; polars, xarray, dask objects and lists/dicts are left alone. Then:
    safe when the receiver is a local name the function created or copied (bound from a pandas
    constructor, reader, `pd.concat`, `.copy()` or another pandas method) and not handed to anything
    that may keep it. Unsafe, and the finding says why, when another reference may still see the old
    object: a parameter (the caller's frame is no longer modified), a global, a loop variable, a name
    aliased (`raw = df`) or passed on before the call, a column view (`col = df["a"]`), an attribute
    (`self.df`) or a container element. The chained-column fix is unsafe too: on pandas 3 the original
    line did nothing, so the fix changes what the program computes (back to what it meant).
    `finfix verify` knows both effects: a parameter no longer mutated (everything else equal) is
    *intended*, a chained call pandas warned about (ChainedAssignmentError) is *fixed*.

    ## Not rewritten, only reported
    The call's value is used (`x = df.dropna(inplace=True)` is None); `inplace=` is not a literal;
    `*args`/`**kwargs` may pass it; `.loc[...]`/`.iloc[...]` receivers (label alignment); a chained
    non-shape-preserving method (`df["a"].dropna(inplace=True)` never changed `df`: a dead statement);
    `inplace=True` on methods that are not in pandas' list above (`obj.ReLU(...)`); a helper whose job is
    to mutate its parameter (it returns nothing, or something else): `frame = frame.set_index(...)` would
    make it a no-op for its callers, so the finding says how to fix it (return the frame and update the
    callers, or use a mutating API that remains). `Index.set_names(inplace=True)` and
    `Index.rename(inplace=True)` still work on pandas 3.1 and are left alone, as are calls that resolve
    to another library (`torch.nn.ReLU(inplace=True)`). Tested with pandas 3.1.1.
    """

    code = "FX201"
    name = "pandas-inplace"
    summary = "`df.method(..., inplace=True)` → `df = df.method(...)` (deprecated in pandas 3.1; a no-op when chained)."
    safety = Safety.UNSAFE
    effects = (
        Effect("unmutated-argument", "the argument is no longer mutated: a caller that ignores the return value "
               "no longer sees the change"),
        Effect("chained-no-op", "a chained call that changed nothing (pandas warned ChainedAssignmentError) now "
               "does what it says"),
    )
    versions = Versions("pandas", deprecated="3.1", fix_needs="0")  # `df = df.method(...)` runs on any pandas
    triggers = ("inplace",)

    examples = (
        Example(
            """
            import pandas as pd
            def load(path):
                df = pd.read_csv(path)
                df.dropna(subset=["px"], inplace=True)
                df.set_index("date", inplace=True)
                return df
            """,
            """
            import pandas as pd
            def load(path):
                df = pd.read_csv(path)
                df = df.dropna(subset=["px"])
                df = df.set_index("date")
                return df
            """,
        ),
        Example(
            """
            def clean(df, cols):
                df = df.copy()
                df.dropna(subset=cols, inplace=True)
                return df
            """,
            """
            def clean(df, cols):
                df = df.copy()
                df = df.dropna(subset=cols)
                return df
            """,
            unsafe=True,  # `df` is pandas only by the call's API shape (inferred)
        ),
        Example(
            """
            def clean(raw):
                df = raw.copy()
                df.sort_values("t", inplace=True)
                return df
            """,
            """
            def clean(raw):
                df = raw.copy()
                df = df.sort_values("t")
                return df
            """,
            unsafe=True,
        ),
        Example("def clean(raw):\n    df = raw.copy()\n    df.sort_values('t', inplace=True)\n    return df\n",
                reported=True),
        Example(
            "import pandas as pd\ndf = pd.DataFrame({'a': [1.0, None]})\ndf.fillna(0, inplace=False)\n",
            "import pandas as pd\ndf = pd.DataFrame({'a': [1.0, None]})\ndf.fillna(0)\n",
        ),
        # A parameter the function returns: the caller may also rely on the mutation (unsafe).
        Example("def clean(df):\n    df.dropna(inplace=True)\n    return df\n", reported=True),
        Example(
            "def clean(df):\n    df.dropna(inplace=True)\n    return df\n",
            "def clean(df):\n    df = df.dropna()\n    return df\n",
            unsafe=True,
        ),
        # A helper whose job is to mutate its argument: never turned into a no-op, reported with the way out.
        Example("def clean(df):\n    df.dropna(inplace=True)\n", reported=True, unsafe=True),
        # Composed with FX203: working pandas 3 code in one step.
        Example(
            "import pandas as pd\ndf = pd.read_csv('x')\ndf.fillna(method='ffill', inplace=True)\n",
            "import pandas as pd\ndf = pd.read_csv('x')\ndf = df.ffill()\n",
        ),
        # inplace= removed from Categorical methods in pandas 2.0 (a TypeError).
        Example(
            "import pandas as pd\ns = pd.Series(['a'], dtype='category')\ns.cat.set_categories(['a', 'b'], inplace=True)\n",
            "import pandas as pd\ns = pd.Series(['a'], dtype='category')\ns = s.cat.set_categories(['a', 'b'])\n",
        ),
        # Another library's object, and Index methods whose inplace= still works: left alone.
        Example("import polars as pl\ndf = pl.read_csv('x')\ndf.drop(['a'], inplace=True)\n"),
        Example("import pandas as pd\nidx = pd.Index([1])\nidx.set_names(['a'], inplace=True)\n"),
        # Chained column: a no-op under copy-on-write; the fix restores the intended effect (unsafe).
        Example(
            """
            import pandas as pd
            df = pd.read_csv("x.csv")
            df["a"].fillna(0, inplace=True)
            """,
            """
            import pandas as pd
            df = pd.read_csv("x.csv")
            df["a"] = df["a"].fillna(0)
            """,
            unsafe=True,
        ),
        Example(
            """
            class Book:
                def tidy(self):
                    self.trades.drop_duplicates(inplace=True)
            """,
            """
            class Book:
                def tidy(self):
                    self.trades = self.trades.drop_duplicates()
            """,
            unsafe=True,
        ),
        # Loop variable and alias: reported, not rewritten without --unsafe-fixes.
        Example("for f in frames:\n    f.fillna(0, inplace=True)\n", reported=True),
        Example(
            """
            import pandas as pd
            df = pd.DataFrame({"a": [1]})
            raw = df
            df.dropna(inplace=True)
            """,
            reported=True,
        ),
        # Report only: value used, variable inplace, **kwargs, chained non-shape-preserving, .loc.
        Example("import pandas as pd\ndf = pd.DataFrame()\nx = df.dropna(inplace=True)\n", reported=True),
        Example("df.dropna(inplace=flag)\n", reported=True),
        Example("df.dropna(inplace=True, **kw)\n", reported=True),
        Example("import pandas as pd\ndf = pd.read_csv('x')\ndf['a'].dropna(inplace=True)\n", reported=True),
        Example("import pandas as pd\ndf = pd.read_csv('x')\ndf.loc[m, 'a'].fillna(0, inplace=True)\n", reported=True),
        Example("idx.set_names(['a'], inplace=True)\n"),
        Example("import xarray as xr\ndef f(ds):\n    ds.dropna('t', inplace=True)\n", reported=True, unsafe=True),
        Example("layer = model.ReLU(inplace=True)\n", reported=True),
        # Resolved to another library, or no inplace at all: untouched and not reported.
        Example("import torch.nn as nn\nlayer = nn.ReLU(inplace=True)\n"),
        Example("import torch.nn.functional as F\ny = F.relu(x, inplace=True)\n"),
        Example("import numpy as np\nnp.clip(a, 0, 1, out=a)\ndf = df.dropna()\n"),
    )

    @classmethod
    def applies_to(cls, source: str) -> bool:
        return _INPLACE.search(source) is not None

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self._statements: set[cst.Call] = set()

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.Call):
            arg = keyword(node.value, "inplace")
            if arg is not None and is_true(arg.value):
                self._statements.add(node.value)

    # -- calls whose value is used, inplace=False, look-alikes --------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        arg = keyword(original_node, "inplace")
        if arg is None:
            return updated_node
        method = original_node.func.attr.value if isinstance(original_node.func, cst.Attribute) else None
        if method not in METHODS:
            self._lookalike(original_node, method)
            return updated_node
        if original_node in self._statements:
            return updated_node  # the statement is rewritten in leave_Expr
        if self._left_alone(original_node.func.value, method):
            return updated_node
        shown = _shown(original_node)
        if is_false(arg.value):
            if self.report(arg, f"`inplace=False` is the default: drop it (`{shown}`)", fix=Safety.SAFE):
                target = keyword(updated_node, "inplace")
                return updated_node.with_changes(args=remove_arg(updated_node.args, target))
            return updated_node
        if is_true(arg.value):
            returns = "returns None" if method in DEPRECATED else "returns None on pandas < 3"
            recv = code_of(original_node.func.value)
            self.report(
                original_node,
                f"`{shown}` {returns}, yet its value is used; assign the result instead "
                f"(`{recv} = {recv}.{method}(...)`) and use `{recv}`",
                reason="the call's value is used",
            )
            return updated_node
        self.report(
            original_node,
            f"`inplace={code_of(arg.value)}` in `{shown}`: write two branches, or always assign the result",
            reason="`inplace` is not a literal",
        )
        return updated_node

    def _lookalike(self, call: cst.Call, method: str | None) -> None:
        arg = keyword(call, "inplace")
        if arg is None or is_false(arg.value) or method == "set_names":
            return  # `Index.set_names(inplace=True)` still works on pandas 3.1
        for q in self.types.qnames(call.func):
            if q.split(".")[0] in LOOKALIKE_MODULES and not q.startswith("pandas"):
                return  # torch.nn.ReLU & co: provably another library
        if isinstance(call.func, cst.Attribute) and self.types.is_not_pandas(call.func.value):
            return
        shown = _shown(call)
        self.report(
            call,
            f"`{shown}`: `{method or code_of(call.func)}` is not one of pandas' in-place methods; left alone",
            reason="not a pandas method that takes `inplace`",
        )

    # -- the statement `RECV.method(..., inplace=True)` ---------------------------------------------------
    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.BaseSmallStatement:
        call = original_node.value
        if call not in self._statements or not isinstance(call, cst.Call):
            return updated_node
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
        if method not in METHODS:
            return updated_node
        new_call = updated_node.value
        assert isinstance(new_call, cst.Call) and isinstance(new_call.func, cst.Attribute)
        recv = call.func.value
        shown = _shown(call)
        if self._left_alone(recv, method):
            return updated_node
        if any(a.star for a in call.args):
            self.report(call, f"`{shown}`: `*args`/`**kwargs` may also pass `inplace`; rewrite by hand",
                        reason="`*args`/`**kwargs` in the call")
            return updated_node
        evidence = self._evidence(recv, method)
        if evidence.kind is None:
            self.report(call, f"`{shown}`: if `{code_of(recv)}` is a pandas object, assign the result instead "
                        f"(`x = x.{method}(...)`)", reason=unproven(recv, evidence))
            return updated_node
        if method in REMOVED:
            deprecation = f"pandas 2.0 removed `inplace` from `{method}` (a TypeError)"
        elif method in DEPRECATED:
            deprecation = "`inplace` is deprecated in pandas 3.1 (PDEP-8)"
        else:
            deprecation = "assigning the result is the form that works with copy-on-write"
        if method in REMOVED and isinstance(recv, cst.Attribute) and recv.attr.value == "cat":
            holder = recv.value  # `s.cat.set_categories(..., inplace=True)`: `s = s.cat.set_categories(...)`
            if not isinstance(holder, cst.Name):
                self.report(call, f"`{shown}`: {deprecation}; assign `{code_of(recv)}.{method}(...)` back by hand",
                            reason="the categorical is not held by a plain name")
                return updated_node
            fix, reason = self._name_safety(holder, original_node)
            return self._finish(call, updated_node, new_call, holder, method, shown, deprecation, fix, reason,
                                evidence, lhs=holder)
        if isinstance(recv, cst.Subscript) or self._is_column_attribute(recv):
            return self._chained(original_node, updated_node, call, recv, method, shown)
        if isinstance(recv, cst.Name):
            fix, reason = self._name_safety(recv, original_node)
        elif is_dotted_name(recv):
            fix, reason = Safety.UNSAFE, (
                f"`{code_of(recv)}` is an attribute: any other reference to the frame it held no longer sees the change"
            )
        else:
            self.report(call, f"`{shown}` works on a temporary object, so it has no lasting effect; "
                        f"assign `{code_of(recv)}.{method}(...)` to a name", reason="the receiver is a temporary")
            return updated_node
        if fix is Safety.DETECT:  # a helper that mutates its argument: `reason` says how to fix it
            detail = reason.replace("<method>", method)
            param = detail.split("`")[3] if detail.count("`") >= 4 else "it"
            self.report(call, f"`{shown}`: {detail.split(';')[0]}: return `{param}` and update the callers, or "
                        "use a mutating API", reason=detail)
            return updated_node
        return self._finish(call, updated_node, new_call, recv, method, shown, deprecation, fix, reason, evidence)

    def _finish(self, call, updated_node, new_call, recv, method, shown, deprecation, fix, reason, evidence,
                lhs=None):
        target = code_of(lhs if lhs is not None else recv)
        value = self._composed(new_call)
        new_method = value.func.attr.value if isinstance(value.func, cst.Attribute) else method
        message = f"`{shown}` → `{target} = {code_of(recv)}.{new_method}(...)`: {deprecation}"
        if new_method != method:
            message = (f"`{shown}` → `{target} = {code_of(recv)}.{new_method}(...)`: `fillna(method=)` was removed "
                       "in pandas 3.0 and `inplace=` is deprecated")
        fix, reason = evidence_policy(evidence, fix, reason)
        if Rule.report(self, call, message, fix=fix, reason=reason):  # the evidence policy is applied above
            inplace = keyword(value, "inplace")
            value = value.with_changes(args=remove_arg(value.args, inplace))
            left = (lhs if lhs is not None else value.func.value).deep_clone()
            # `df.rename(a,\n          b)` -> `df = df.rename(a,\n               b)`: continuation lines
            # aligned with the opening parenthesis move with it.
            value = shift_aligned(value, len(code_of(left)) + 3 + len(code_of(value.func))
                                  - len(code_of(updated_node.value.func)))
            return cst.Assign(targets=[cst.AssignTarget(target=left)], value=value, semicolon=updated_node.semicolon)
        return updated_node

    def _composed(self, call: cst.Call) -> cst.Call:
        """`fillna(method="ffill")` → `ffill()`: FX203's rewrite done here, so the statement FX201 writes runs on
        pandas 3 whatever FX203 later decides about the receiver."""
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "fillna":
            return call
        method_arg = keyword(call, "method")
        positional = [a for a in call.args if a.keyword is None and not a.star]
        value_arg = keyword(call, "value") or (positional[0] if positional else None)
        if method_arg is None and len(positional) == 2:
            method_arg, value_arg = positional[1], positional[0]
        if method_arg is None or not isinstance(method_arg.value, cst.SimpleString) or keyword(call, "downcast"):
            return call
        new_name = FORWARD.get(method_arg.value.evaluated_value)
        if new_name is None or len(positional) > 2:
            return call
        if value_arg is not None and not (isinstance(value_arg.value, cst.Name) and value_arg.value.value == "None"):
            return call
        drop = {id(a) for a in (method_arg, value_arg) if a is not None}
        args = [a for a in call.args if id(a) not in drop]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return call.with_changes(func=func.with_changes(attr=cst.Name(new_name)), args=args)

    def _left_alone(self, recv: cst.BaseExpression, method: str) -> bool:
        """Another library's object, a list or dict, or an Index whose `inplace=` still works."""
        root = recv
        while isinstance(root, cst.Subscript) or (isinstance(root, cst.Attribute) and root.attr.value == "cat"):
            root = root.value
        typed = self.types.infer(root)
        if typed.foreign:
            return True
        return typed.kind is Kind.INDEX and method in INDEX_KEEPS

    def _evidence(self, recv: cst.BaseExpression, method: str) -> Typed:
        """What the receiver is; an unknown one is inferred pandas from the call's API shape unless the module
        imports a look-alike library."""
        root = recv
        while isinstance(root, cst.Subscript) or (isinstance(root, cst.Attribute) and root.attr.value == "cat"):
            root = root.value
        typed = self.types.infer(root)
        if typed.kind is not None:
            return typed
        if self.types.imports_lookalike:
            return typed
        return Typed(Kind.PANDAS, f"`.{method}(..., inplace=True)` is pandas' API shape (only pandas and its API "
                     "clones take `inplace=` there)", level=Level.INFERRED)

    def _assign(self, updated: cst.Expr, new_call: cst.Call, target: cst.BaseExpression | None = None) -> cst.Assign:
        inplace = keyword(new_call, "inplace")
        value = new_call.with_changes(args=remove_arg(new_call.args, inplace))
        func = value.func
        assert isinstance(func, cst.Attribute)
        if target is not None:
            value = value.with_changes(func=func.with_changes(value=target.deep_clone()))
        lhs = (target or func.value).deep_clone()
        value = shift_aligned(value, len(code_of(lhs)) + len(code_of(value.func)) - len(code_of(func)) + 3)
        return cst.Assign(targets=[cst.AssignTarget(target=lhs)], value=value, semicolon=updated.semicolon)

    def _is_column_attribute(self, recv: cst.BaseExpression) -> bool:
        return (
            isinstance(recv, cst.Attribute)
            and self.types.infer(recv.value).kind is Kind.FRAME
            and self.types.infer(recv).kind is Kind.PANDAS
        )

    def _chained(self, original, updated, call, recv, method, shown):
        base = recv.value
        base_type = self.types.infer(base)
        if base_type.kind is Kind.INDEXER:
            self.report(
                call,
                f"`{shown}` acts on a `.loc`/`.iloc` selection, a temporary copy under copy-on-write; "
                f"assign the result back to `{short_code(recv, 30)}`",
                reason="`.loc`/`.iloc` selection: assigning back re-aligns on labels",
            )
            return updated
        if method not in SHAPE_PRESERVING:
            if base_type.is_pandas:
                self.report(
                    call,
                    f"`{shown}` is a dead statement: it {method}s a temporary column and never changed "
                    f"`{code_of(base)}`; delete it or assign the result to a new name",
                    reason=f"`{method}` does not keep the shape, so the column cannot be assigned back",
                )
            else:
                self.report(
                    call,
                    f"`{shown}`: if `{code_of(base)}` is a container of frames, write "
                    f"`{code_of(recv)} = {code_of(recv)}.{method}(...)`; if it is a DataFrame, the line does nothing",
                    reason=f"`{code_of(base)}` is not known to be a list/dict or a DataFrame",
                )
            return updated
        if isinstance(recv, cst.Attribute):  # df.a → df["a"]
            target: cst.BaseExpression = cst.Subscript(
                value=updated.value.func.value.value,
                slice=[cst.SubscriptElement(cst.Index(cst.SimpleString(f'"{recv.attr.value}"')))],
            )
        else:
            target = updated.value.func.value
        text = code_of(target)
        if base_type.is_pandas:
            reason = (
                f"under copy-on-write (pandas ≥ 3) the original line did nothing to `{code_of(base)}`; "
                "the fix makes it take effect, as it did on pandas 2"
            )
        else:
            reason = f"`{code_of(base)}` may be a container whose element is also referenced elsewhere"
        why = ("a chained in-place call is a no-op under copy-on-write" if base_type.is_pandas
               else "assigning the result works whether it is a column or a container element")
        message = f"`{shown}` → `{text} = {text}.{method}(...)`: {why}"
        if self.report(call, message, fix=Safety.UNSAFE, reason=reason):
            return self._assign(updated, updated.value, target)
        return updated


def _shown(call: cst.Call) -> str:
    return short_code(call, 60)
