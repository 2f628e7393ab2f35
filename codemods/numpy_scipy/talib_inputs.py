"""FX431 talib-inputs: TA-Lib fed pandas columns (NaN poisons every later value) or non-float64 data."""

from __future__ import annotations

import re

import libcst as cst

from finfix.sdk.names import code_of, qualified_names, short_code
from finfix.sdk.pandas_types import METADATA, Kind, PandasTypes
from finfix.sdk.rule import Effect, Example, Rule, Safety

SERIES_KINDS = frozenset({Kind.SERIES, Kind.PANDAS})  # PANDAS: a column selection of a frame
_INT_DTYPE = re.compile(r"dtype\s*=\s*(?:int|bool|['\"](?:u?int\d*|bool)['\"]|np\.u?int\d*|numpy\.u?int\d*)\b|"
                        r"\.astype\(\s*(?:int|bool|['\"]u?int\d*['\"]|np\.u?int\d*)\s*\)")
TO_ARRAY_REASON = ("the function then returns an ndarray instead of a Series aligned on the input's index; "
                   "code that uses `.index`, `.iloc` or aligns on dates must change with it")


def _is_talib_function(names: set[str]) -> str | None:
    for name in names:
        parts = name.split(".")
        if parts[0] == "talib" and parts[-1].isupper() and len(parts) in (2, 3):
            return parts[-1]
    return None


class TalibInputs(Rule):
    """## What it does
    Reports TA-Lib calls (`talib.SMA(...)`, `talib.RSI(...)`, `talib.ATR(high, low, close)`, ...) whose
    price input is
    - a pandas Series (`df["close"]`): NaN anywhere but the start makes every later output NaN, and
      nothing says so; the unsafe fix passes `df["close"].to_numpy(dtype="float64")`;
    - a list (`TypeError`: TA-Lib takes ndarrays);
    - a numpy array built with an integer or boolean dtype (`Exception: input array type is not
      double`); the fix is `.astype("float64")`.

    ## Why is this bad?
    TA-Lib's C functions read float64 buffers. A NaN in the middle of the input (a missing bar, a
    failed fetch) propagates through every moving window after it: an RSI of all NaN from that bar on,
    which a strategy then reads as "no signal". Integer arrays (volumes, tick counts) are rejected at
    run time. (TA-Lib 0.4 – 0.8: the pandas wrapper converts Series but keeps the NaN.)

    ## Example
    ```python
    rsi = talib.RSI(bars["close"], timeperiod=14)
    ```
    Use instead:
    ```python
    close = bars["close"].ffill()
    rsi = talib.RSI(close.to_numpy(dtype="float64"), timeperiod=14)
    ```

    ## Fix safety
    For a proven integer ndarray, `.astype("float64")` is safe: the original call always raises. For a
    pandas Series the fix is unsafe: the result becomes an ndarray rather than a Series on the same
    index, and it does not remove the NaN (fill or drop them first, as the message says). Receivers
    that are not provably a Series or an integer array are left alone.
    """

    code = "FX431"
    name = "talib-inputs"
    summary = "TA-Lib fed pandas objects (NaN poisons later values) or non-float64 data."
    safety = Safety.UNSAFE
    effects = (
        Effect("ndarray", "returns an ndarray with the same values instead of a Series on the input's index"),
        Effect("raises-fixed", "an integer or boolean array TA-Lib rejected is passed as float64",
               pattern=r"input array type is not double"),
    )
    triggers = ("talib",)
    METADATA_DEPENDENCIES = METADATA

    examples = (
        Example(
            "import talib\nimport pandas as pd\nbars = pd.read_csv('b.csv')\nrsi = talib.RSI(bars['close'], timeperiod=14)\n",
            "import talib\nimport pandas as pd\nbars = pd.read_csv('b.csv')\n"
            "rsi = talib.RSI(bars['close'].to_numpy(dtype=\"float64\"), timeperiod=14)\n",
            unsafe=True,
        ),
        Example(
            "import talib\nimport pandas as pd\nbars = pd.read_csv('b.csv')\nrsi = talib.RSI(bars['close'], timeperiod=14)\n",
            message="`bars['close']` is a pandas Series: a NaN inside it makes every later `talib.RSI` value NaN",
            line=4, safety=Safety.UNSAFE,
        ),
        Example(
            "import numpy as np\nimport talib\nvolume = np.array(ticks, dtype=np.int64)\nv = talib.SMA(volume, 5)\n",
            "import numpy as np\nimport talib\nvolume = np.array(ticks, dtype=np.int64)\nv = talib.SMA(volume.astype(\"float64\"), 5)\n",
        ),
        Example("import talib\nsma = talib.SMA([1.0, 2.0, 3.0], 2)\n",
                message="`talib.SMA` takes float64 ndarrays: `[1.0, 2.0, 3.0]` raises TypeError", line=2),
        # must not touch: float64 arrays, a project's own SMA, an unknown receiver
        Example(
            """
            import numpy as np
            import talib
            from mylib import SMA
            close = np.asarray(prices, dtype="float64")
            a = talib.SMA(close, 5)
            b = SMA(prices, 5)
            c = talib.EMA(values, 3)
            """
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        self.types = PandasTypes(self, node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        function = _is_talib_function(qualified_names(self, original_node.func))
        if function is None:
            return updated_node
        new_args = list(updated_node.args)
        changed = False
        for i, arg in enumerate(original_node.args):
            if arg.keyword is not None or arg.star:
                continue
            value = arg.value
            if isinstance(value, (cst.Integer, cst.Float)):
                continue
            shown = short_code(value, 30)
            if isinstance(value, (cst.List, cst.Tuple)):
                self.report(value, f"`talib.{function}` takes float64 ndarrays: `{shown}` raises TypeError; pass "
                                   "`np.asarray(..., dtype='float64')`")
                continue
            if self._integer_array(value):
                fixed = new_args[i].with_changes(value=_method(new_args[i].value, "astype", '"float64"'))
                if self.report(value, f"`{shown}` has an integer dtype: `talib.{function}` raises \"input array "
                                      "type is not double\"; pass `.astype(\"float64\")`", fix=Safety.SAFE):
                    new_args[i], changed = fixed, True
                continue
            typed = self.types.infer(value)
            if typed.kind in SERIES_KINDS:
                fixed = new_args[i].with_changes(value=_method(new_args[i].value, "to_numpy", 'dtype="float64"'))
                if self.report(value, f"`{shown}` is a pandas Series: a NaN inside it makes every later "
                                      f"`talib.{function}` value NaN; fill or drop NaN, then pass a float64 array",
                               fix=Safety.UNSAFE, reason=TO_ARRAY_REASON):
                    new_args[i], changed = fixed, True
        return updated_node.with_changes(args=new_args) if changed else updated_node

    def _integer_array(self, value: cst.BaseExpression) -> bool:
        """Bound (only) from an ndarray constructor or ``astype`` with an integer or boolean dtype."""
        if isinstance(value, cst.Call):
            return bool(_INT_DTYPE.search(code_of(value)))
        if not isinstance(value, cst.Name):
            return False
        bindings = self.types.bindings(value)
        if not bindings:
            return False
        for _, binder in bindings:
            if not isinstance(binder, cst.Assign) or not isinstance(binder.value, cst.Call):
                return False
            call = binder.value
            names = qualified_names(self, call.func)
            numpy_made = any(n.startswith("numpy.") for n in names) or (
                isinstance(call.func, cst.Attribute) and call.func.attr.value == "astype")
            if not numpy_made or not _INT_DTYPE.search(code_of(call)):
                return False
        return True


def _method(expr: cst.BaseExpression, method: str, argument: str) -> cst.BaseExpression:
    receiver = expr
    if not isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)):
        receiver = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.parse_expression(f"_recv.{method}({argument})").with_changes(
        func=cst.Attribute(value=receiver, attr=cst.Name(method)))
