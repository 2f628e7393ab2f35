"""FX103 datetime-utcnow: `datetime.utcnow()` / `utcfromtimestamp()` → timezone-explicit calls."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from finfix.sdk.names import code_of, qualified_names
from finfix.sdk.rule import Example, Rule, Safety, Versions

UTCNOW = "datetime.datetime.utcnow"
UTCFROMTS = "datetime.datetime.utcfromtimestamp"
AWARE_REASON = (
    "an aware datetime cannot be compared with or subtracted from naive ones (TypeError), and "
    "`isoformat()`/`strftime('%z')` change"
)


class DatetimeUtcnow(Rule):
    """## What it does
    Rewrites `datetime.utcnow()` and `datetime.utcfromtimestamp(ts)` (deprecated since Python 3.12) in
    every import form (`datetime.datetime.utcnow()`, `from datetime import datetime`, `import datetime as
    dt`) to calls that name the time zone. By default it keeps the naive result:
    `datetime.now(timezone.utc).replace(tzinfo=None)` and
    `datetime.fromtimestamp(ts, tz=timezone.utc).replace(tzinfo=None)`. With the option `aware = true` it
    writes the aware form (`datetime.now(timezone.utc)`), which is what new code should use.
    `timezone` is imported from `datetime` (or spelled `datetime.timezone` with a module import).

    ## Why is this bad?
    `utcnow()` returns a *naive* datetime that silently means UTC: passed to `.timestamp()` or compared
    with local times it is read as local time. Python 3.12 deprecates both functions for that reason.

    ## Example
    ```python
    from datetime import datetime
    stamp = datetime.utcnow()
    ```
    Use instead:
    ```python
    from datetime import datetime, timezone
    stamp = datetime.now(timezone.utc).replace(tzinfo=None)
    ```

    ## Fix safety
    The naive form is safe: the same value and the same naive type. The aware form (option `aware`) is
    unsafe: comparing or subtracting aware and naive datetimes raises `TypeError`, and `isoformat()`
    gains `+00:00`.

    ## Not touched
    `pd.Timestamp.utcnow()` (a pandas API with its own deprecation), `arrow.utcnow()`, subclasses that
    cannot be resolved. A bare reference (`default_factory=datetime.utcnow`) is reported with the lambda
    to write.
    """

    code = "FX103"
    name = "datetime-utcnow"
    summary = "datetime.utcnow()/utcfromtimestamp() are deprecated; name the time zone."
    safety = Safety.SAFE
    versions = Versions("python", deprecated="3.12", fix_needs="0")  # timezone.utc runs on any Python 3
    triggers = ("utcnow", "utcfromtimestamp")
    options = {"aware": False}
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ParentNodeProvider, ScopeProvider)

    examples = (
        Example(
            "from datetime import datetime\nstamp = datetime.utcnow()\n",
            "from datetime import datetime, timezone\nstamp = datetime.now(timezone.utc).replace(tzinfo=None)\n",
        ),
        Example(
            "import datetime\nstamp = datetime.datetime.utcnow()\n",
            "import datetime\nstamp = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)\n",
        ),
        Example(
            "import datetime as dt\nt = dt.datetime.utcfromtimestamp(ts)\n",
            "import datetime as dt\nt = dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc).replace(tzinfo=None)\n",
        ),
        Example(
            "from datetime import datetime as DT, timezone\nt = DT.utcfromtimestamp(1.5e9)\n",
            "from datetime import datetime as DT, timezone\nt = DT.fromtimestamp(1.5e9, tz=timezone.utc)"
            ".replace(tzinfo=None)\n",
        ),
        Example(
            "from datetime import datetime\nstamp = datetime.utcnow()\n",
            "from datetime import datetime, timezone\nstamp = datetime.now(timezone.utc)\n",
            options={"aware": True},
            unsafe=True,
        ),
        Example(
            "from datetime import datetime\nstamp = datetime.utcnow()\n",
            reported=True,
            options={"aware": True},
        ),
        Example(
            "from dataclasses import dataclass, field\nfrom datetime import datetime\n@dataclass\nclass A:\n"
            "    at: datetime = field(default_factory=datetime.utcnow)\n",
            reported=True,
        ),
        # `timezone` names something else here: reported only.
        Example("from datetime import datetime\nfrom pytz import timezone\nt = datetime.utcnow()\n",
                reported=True),
        # Look-alikes.
        Example("import pandas as pd\nnow = pd.Timestamp.utcnow()\n"),
        Example("import arrow\nnow = arrow.utcnow()\n"),
        Example("import time\nnow = time.gmtime()\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute):
            return updated_node
        names = qualified_names(self, func)
        if UTCNOW in names:
            kind = "utcnow"
        elif UTCFROMTS in names:
            kind = "utcfromtimestamp"
        else:
            return updated_node
        spelled = code_of(func)
        cls_src = code_of(func.value)
        aware = bool(self.option("aware"))
        args = original_node.args
        if (kind == "utcnow" and args) or (kind == "utcfromtimestamp" and (
            len(args) != 1 or args[0].keyword is not None or args[0].star
        )):
            self.report(original_node, f"`{spelled}()` is deprecated since Python 3.12",
                        reason="unexpected arguments")
            return updated_node
        tz, why_not = self._timezone(original_node, func.value)
        if tz is None:
            self.report(original_node, f"`{spelled}()` is deprecated since Python 3.12", reason=why_not)
            return updated_node
        if kind == "utcnow":
            new_src = f"{cls_src}.now({tz}.utc)"
        else:
            new_src = f"{cls_src}.fromtimestamp({code_of(args[0].value)}, tz={tz}.utc)"
        if not aware:
            new_src += ".replace(tzinfo=None)"
        fix, reason = (Safety.UNSAFE, AWARE_REASON) if aware else (Safety.SAFE, "")
        if not self.report(original_node, f"`{spelled}()` is deprecated since Python 3.12: use `{new_src}`",
                           fix=fix, reason=reason):
            return updated_node
        if tz == "timezone":
            AddImportsVisitor.add_needed_import(self.context, "datetime", "timezone")
        new = cst.parse_expression(new_src)
        return new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        names = qualified_names(self, original_node)
        if not names & {UTCNOW, UTCFROMTS}:
            return updated_node
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        if isinstance(parent, cst.Call) and parent.func is original_node:
            return updated_node
        cls_src = code_of(original_node.value)
        if UTCNOW in names:
            hint = f"`lambda: {cls_src}.now(timezone.utc).replace(tzinfo=None)`"
        else:
            hint = f"`lambda ts: {cls_src}.fromtimestamp(ts, tz=timezone.utc).replace(tzinfo=None)`"
        self.report(original_node, f"`{code_of(original_node)}` is deprecated since Python 3.12: use {hint}",
                    reason="a reference, not a call: replace it with a function by hand")
        return updated_node

    def _timezone(self, call: cst.Call, cls: cst.BaseExpression) -> tuple[str | None, str]:
        """How to spell the `timezone` class here: `datetime.timezone` (module import) or `timezone`."""
        if isinstance(cls, cst.Attribute):  # `datetime.datetime` / `dt.datetime`: the module is at hand
            if "datetime" in qualified_names(self, cls.value):
                return f"{code_of(cls.value)}.timezone", ""
        scope = self.get_metadata(ScopeProvider, call, None)
        if scope is None:
            return None, "no scope information"
        if "timezone" in scope:
            found = {q.name for q in scope.get_qualified_names_for("timezone")}
            if found and found != {"datetime.timezone"}:
                return None, "`timezone` names something else in this module; use `datetime.timezone` by hand"
        return "timezone", ""
