"""FX107 float-money (opt-in): binary floating-point arithmetic on money that is rounded or compared."""

from __future__ import annotations

import re

import libcst as cst

from finfix.sdk.names import short_code
from finfix.sdk.rule import Example, Rule, Safety

MONEY = re.compile(r"(^|_)(price|prices|px|amount|amt|notional|cost|fee|fees|commission|pnl|balance|cash|"
                   r"equity|proceeds|premium|margin|payout|usd|eur|cents?)(_|$)", re.IGNORECASE)


def _names(expr: cst.CSTNode) -> list[str]:
    found = _NameCollector()
    expr.visit(found)
    return found.names


class _NameCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.names.append(node.attr.value)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.names.append(node.evaluated_value if isinstance(node.evaluated_value, str) else "")


def _money_arithmetic(expr: cst.BaseExpression) -> bool:
    """Arithmetic (`+ - * /`) somewhere in ``expr`` on an operand named like money."""
    finder = _Arithmetic()
    expr.visit(finder)
    return finder.found


class _Arithmetic(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, (cst.Add, cst.Subtract, cst.Multiply, cst.Divide)):
            if _float_money(node.left) or _float_money(node.right):
                self.found = True


def _exact(expr: cst.BaseExpression) -> bool:
    """`Decimal(...)` / `Fraction(...)`: exact operands, whatever their names."""
    return isinstance(expr, cst.Call) and (
        (isinstance(expr.func, cst.Name) and expr.func.value in ("Decimal", "Fraction"))
        or (isinstance(expr.func, cst.Attribute) and expr.func.attr.value in ("Decimal", "Fraction")))


def _float_money(expr: cst.BaseExpression) -> bool:
    if _exact(expr):
        return False
    if isinstance(expr, cst.BinaryOperation):
        return _float_money(expr.left) or _float_money(expr.right)
    return any(MONEY.search(n) for n in _names(expr))


class FloatMoney(Rule):
    """## What it does
    Opt-in (select `FX107` by name or code). Reports arithmetic on money — operands named like prices,
    amounts, fees, notionals, P&L, balances — that the same expression then rounds to cents
    (`round(price * qty, 2)`) or compares for equality (`fee + cost == total`), pointing to
    `decimal.Decimal`.

    ## Why is this bad?
    Binary floats cannot represent most decimal fractions: `round(2.675, 2)` is `2.67`, `0.1 + 0.2 ==
    0.3` is False, and sums of many fees drift by cents. Where amounts are booked, reconciled or sent
    to an exchange, that is a real discrepancy. (Numeric research code that only ranks or plots prices
    does not need this rule, which is why it is off by default.)

    ## Example
    ```python
    def fee(price, qty, rate):
        return round(price * qty * rate, 2)
    ```
    Use instead:
    ```python
    from decimal import ROUND_HALF_UP, Decimal

    def fee(price: Decimal, qty: Decimal, rate: Decimal) -> Decimal:
        return (price * qty * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    ```

    ## Fix safety
    Report only, off by default: `Decimal` changes every type the amount flows through, and a vectorised
    (numpy/pandas) computation may be right to stay in floats with an explicit tolerance. The rule looks
    at names, so it can miss money named otherwise and flag a `price` that is only a research signal.
    """

    code = "FX107"
    name = "float-money"
    summary = "Float arithmetic on money that is rounded or compared (opt-in; use decimal.Decimal)."
    safety = Safety.DETECT
    opt_in = True
    triggers = ("round(", "==")

    examples = (
        Example("def fee(price, qty, rate):\n    return round(price * qty * rate, 2)\n",
                message="`round(price * qty * rate, 2)` rounds float money", line=2),
        Example("def balanced(fees, cost, total):\n    return fees + cost == total\n",
                message="`fees + cost == total` compares float money for equality", line=2),
        # must not touch: Decimal arithmetic, rounding a non-money value, comparing without arithmetic
        Example(
            """
            from decimal import Decimal
            def fee(price, qty):
                return round(Decimal(price) * Decimal(qty), 2)
            def z(score, mean):
                return round(score - mean, 2)
            def same(price, last_price):
                return price == last_price
            """
        ),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if isinstance(func, cst.Name) and func.value == "round" and len(original_node.args) == 2:
            digits = original_node.args[1].value
            if isinstance(digits, cst.Integer) and digits.value in ("2", "4") and _money_arithmetic(
                    original_node.args[0].value):
                self.report(original_node, f"`{short_code(original_node, 50)}` rounds float money: binary floats "
                                           "cannot hold cents exactly; use `decimal.Decimal` and `quantize`")
        return updated_node

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.BaseExpression:
        if any(isinstance(c.operator, (cst.Equal, cst.NotEqual)) for c in original_node.comparisons):
            if _money_arithmetic(original_node):
                self.report(original_node, f"`{short_code(original_node, 50)}` compares float money for equality: "
                                           "use `decimal.Decimal`, or `math.isclose` with a tolerance")
        return updated_node
