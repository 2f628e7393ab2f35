"""FX402 numpy-builtin-type-aliases: `np.float` → `float` and friends, minding `np.bool`/`np.long`."""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from finfix.sdk.names import qualified_names
from finfix.sdk.renames import NameRename, RenameRule
from finfix.sdk.rule import Example, Safety, Versions

NOTE = "deprecated in NumPy 1.20, removed in 1.24"

#: Names NumPy 2 defines again, with another meaning: only some positions may be rewritten.
REDEFINED = {"numpy.bool": "bool", "numpy.long": "int"}
_DTYPE_CALLS = {"numpy.dtype": 0, "numpy.zeros": 1, "numpy.ones": 1, "numpy.empty": 1, "numpy.array": 1,
                "numpy.asarray": 1, "numpy.full": 2}
_TYPE_CHECKS = ("builtins.isinstance", "builtins.issubclass")


_ALIAS_TEXT = re.compile(
    r"\.(?:float|int|complex|object|str|unicode|bool|long)\b"
    r"|from\s+numpy\s+import\s[^\n]*\b(?:float|int|complex|object|str|unicode|bool|long)\b"
)


class NumpyBuiltinAliases(RenameRule):
    """## What it does
    Replaces NumPy's old aliases of Python builtins with the builtins: `np.float` → `float`,
    `np.int` → `int`, `np.complex` → `complex`, `np.object` → `object`, `np.str`/`np.unicode` → `str`.
    `np.bool` → `bool` and `np.long` → `int` only where the old meaning is certain: dtype positions
    (`dtype=`, `.astype(...)`, `np.dtype(...)`, the dtype argument of `np.zeros`/`ones`/`empty`/`full`/
    `array`/`asarray`) and type checks (`isinstance`, `issubclass`, `type(x) is ...`).

    ## Why is this bad?
    The aliases were deprecated in NumPy 1.20 and removed in 1.24: `np.float` raises `AttributeError`.
    NumPy 2 defines `np.bool` (NumPy's boolean scalar type, `np.bool_`) and `np.long` (the C `long`
    integer type) again with new meanings, so old code that used them as the builtins runs but may
    behave differently: `isinstance(True, np.bool)` is now False. And on NumPy 1.24–1.26 `np.bool`
    does not exist at all, so `dtype=bool` is the spelling that works on every version.

    ## Example
    ```python
    x = np.asarray(values, dtype=np.float)
    mask = flags.astype(np.bool)
    ```
    Use instead:
    ```python
    x = np.asarray(values, dtype=float)
    mask = flags.astype(bool)
    ```

    ## Fix safety
    Safe for `np.float`, `np.int`, `np.complex`, `np.object`, `np.str`, `np.unicode` (they only exist
    as the builtins) and for `np.bool` in dtype positions (`bool` and `np.bool` give the same dtype).
    Unsafe in type checks: right for code written before NumPy 2, wrong for NumPy 2 code that means
    NumPy's scalar types. Unsafe for `np.long` in dtype positions too: `np.long` is C `long`, 32-bit
    on Windows, while `int` gives NumPy 2's default 64-bit integer there (on Linux and macOS they agree).
    Elsewhere (`np.bool(x)`, annotations) `np.bool`/`np.long` are valid NumPy 2 and not reported.
    `np.bool_`, `np.int_`, `np.float64`, `np.object_`, `np.str_` are never touched.
    """

    code = "FX402"
    name = "numpy-builtin-type-aliases"
    summary = "np.float/np.int/np.bool/... were aliases of the builtins; removed in NumPy 1.24."
    safety = Safety.SAFE
    versions = Versions("numpy", deprecated="1.20", removed="1.24", fix_needs="0")  # the builtins
    renames = tuple(
        NameRename(f"numpy.{old}", f"builtins.{new}", note=NOTE)
        for old, new in (("float", "float"), ("int", "int"), ("complex", "complex"), ("object", "object"),
                         ("str", "str"), ("unicode", "str"))
    )
    triggers = ("float", "int", "complex", "object", "str", "unicode", "bool", "long")

    examples = (
        Example(
            "import numpy as np\nx = np.array(v, dtype=np.float)\nn = np.int(3)\ns = np.str(x)\n",
            "import numpy as np\nx = np.array(v, dtype=float)\nn = int(3)\ns = str(x)\n",
        ),
        Example("import numpy\nc = numpy.complex(1, 2)\nu = numpy.unicode\n", "import numpy\nc = complex(1, 2)\nu = str\n"),
        Example("from numpy import object as O\nx = O\n", "x = object\n"),
        Example(
            "import numpy as np\nm = flags.astype(np.bool)\nz = np.zeros(3, np.bool)\nd = np.dtype(np.bool)\n",
            "import numpy as np\nm = flags.astype(bool)\nz = np.zeros(3, bool)\nd = np.dtype(bool)\n",
        ),
        Example("import numpy as np\nif isinstance(v, np.bool):\n    pass\n", reported=True),
        Example("import numpy as np\nif isinstance(v, (np.bool, np.long)):\n    pass\n",
                "import numpy as np\nif isinstance(v, (bool, int)):\n    pass\n", unsafe=True),
        Example("import numpy as np\nok = type(v) is np.bool\n", "import numpy as np\nok = type(v) is bool\n", unsafe=True),
        Example("import numpy as np\na = x.astype(dtype=np.long)\n", reported=True),
        Example("import numpy as np\na = x.astype(dtype=np.long)\n", "import numpy as np\na = x.astype(dtype=int)\n",
                unsafe=True),
        Example("from numpy import bool as B\nm = x.astype(B)\n", "m = x.astype(bool)\n"),
        # must not touch: NumPy's own scalar types, NumPy 2 uses of np.bool, other libraries
        Example("import numpy as np\nx = np.float64(1) + np.int_(2)\ny = np.bool_(True)\nz = np.object_\ns = np.str_\n"),
        Example("import numpy as np\nflag = np.bool(x)\ndef f(a: np.bool) -> np.long: ...\n"),
        Example("import torch\nimport jax.numpy as jnp\nt = torch.float\nu = jnp.int32\nv = x.astype(jnp.bool)\n"),
        Example("y = float(x)\nz = obj.float\n"),
    )

    @classmethod
    def applies_to(cls, source: str) -> bool:
        # every import form names the library, and an alias is `.float` / `import float`, not `float64`
        return "numpy" in source and _ALIAS_TEXT.search(source) is not None

    def __init__(self, session) -> None:
        super().__init__(session)
        self._position: dict[int, str] = {}  # id(original node) -> "dtype" | "typecheck"

    # -- where the names stand ------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "dtype":
                self._position[id(arg.value)] = "dtype"
        positional = [a for a in node.args if a.keyword is None and not a.star]
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "astype" and positional:
            self._position[id(positional[0].value)] = "dtype"
            return
        names = qualified_names(self, func)
        for name, index in _DTYPE_CALLS.items():
            if name in names and len(positional) > index:
                self._position[id(positional[index].value)] = "dtype"
        if names.intersection(_TYPE_CHECKS) and len(positional) == 2:
            self._mark_types(positional[1].value)

    def _mark_types(self, expr: cst.BaseExpression) -> None:
        if isinstance(expr, cst.Tuple):
            for element in expr.elements:
                self._mark_types(element.value)
        else:
            self._position[id(expr)] = "typecheck"

    def visit_Comparison(self, node: cst.Comparison) -> None:
        operands = [node.left, *(c.comparator for c in node.comparisons)]
        if not any(isinstance(c.operator, (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual)) for c in node.comparisons):
            return
        if any(_is_type_call(self, o) for o in operands):
            for operand in operands:
                self._position.setdefault(id(operand), "typecheck")

    # -- the rewrite --------------------------------------------------------------------------------
    def _redefined(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
        names = qualified_names(self, original)
        old = next((n for n in REDEFINED if n in names), None)
        position = self._position.get(id(original))
        if old is None or position is None:
            return updated
        new = REDEFINED[old]
        spelled = original.value if isinstance(original, cst.Name) else f"np.{old[6:]}"
        message = f"`{spelled}` → `{new}` ({NOTE}; NumPy 2 redefined `np.{old[6:]}`)"
        if position == "dtype" and old == "numpy.bool":
            fix, reason = Safety.SAFE, ""
        elif position == "dtype":
            fix, reason = Safety.UNSAFE, ("`np.long` is C long on NumPy 2 (32-bit on Windows), "
                                          "`int` the 64-bit default integer; they agree on Linux and macOS")
        else:
            fix, reason = Safety.UNSAFE, (f"right if this code predates NumPy 2 (then `np.{old[6:]}` was the builtin "
                                          f"`{new}`); NumPy 2 code may mean NumPy's scalar type here")
        if not self.report(original, message, fix=fix, reason=reason):
            return updated
        if isinstance(original, cst.Name):
            RemoveImportsVisitor.remove_unused_import(self.context, "numpy", old[6:],
                                                      original.value if original.value != old[6:] else None)
        return cst.Name(new, lpar=updated.lpar, rpar=updated.rpar)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        updated = super().leave_Attribute(original_node, updated_node)
        if updated is not updated_node:
            return updated
        return self._redefined(original_node, updated)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        updated = super().leave_Name(original_node, updated_node)
        if self.in_import:
            return updated
        return self._redefined(original_node, updated)


def _is_type_call(rule: RenameRule, expr: cst.BaseExpression) -> bool:
    return (
        isinstance(expr, cst.Call)
        and len(expr.args) == 1
        and "builtins.type" in qualified_names(rule, expr.func)
    )
