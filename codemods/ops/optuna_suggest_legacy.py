"""FX511 optuna-suggest-legacy: `suggest_uniform`/`loguniform`/`discrete_uniform` and the old distributions."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.metadata import Assignment, QualifiedNameProvider, ScopeProvider

from finfix.sdk.names import assignments_of, keyword, qualified_names, replace_callee, short_code
from finfix.sdk.nodes import append_arg, keyword_arg, tight_equal
from finfix.sdk.rule import Example, Rule, Safety, Versions

TRIAL_TYPES = {
    f"optuna.{path}" for path in (
        "Trial", "trial.Trial", "trial.FrozenTrial", "trial.FixedTrial", "trial.BaseTrial",
        "trial._trial.Trial", "trial._frozen.FrozenTrial", "trial._fixed.FixedTrial", "trial._base.BaseTrial")
}
#: old method -> (new method, keyword added, name of the fourth positional argument)
METHODS = {
    "suggest_uniform": ("suggest_float", None),
    "suggest_loguniform": ("suggest_float", "log"),
    "suggest_discrete_uniform": ("suggest_float", "step"),
}
#: old distribution -> (new class, extra)
DISTRIBUTIONS = {
    "UniformDistribution": ("FloatDistribution", None),
    "LogUniformDistribution": ("FloatDistribution", "log"),
    "DiscreteUniformDistribution": ("FloatDistribution", "step"),
    "IntUniformDistribution": ("IntDistribution", "step"),
    "IntLogUniformDistribution": ("IntDistribution", "log"),
}
NOTE = "deprecated in optuna 3.0, removal planned for 6.0"


def _well_ordered(args: list[cst.Arg]) -> bool:
    """No positional argument after a keyword (a call with more positional arguments than the old API had)."""
    seen_keyword = False
    for arg in args:
        if arg.keyword is not None:
            seen_keyword = True
        elif seen_keyword:
            return False
    return True


def _to_keywords(args: list[cst.Arg], names: dict[int, str]) -> list[cst.Arg]:
    """Positional arguments at the given indexes become keywords; `q=` becomes `step=`."""
    out = []
    for i, arg in enumerate(args):
        if arg.keyword is None and not arg.star and i in names:
            arg = arg.with_changes(keyword=cst.Name(names[i]), equal=tight_equal())
        elif arg.keyword is not None and arg.keyword.value == "q":
            arg = arg.with_changes(keyword=cst.Name("step"))
        out.append(arg)
    return out


class _Objectives(cst.CSTVisitor):
    """Which parameters receive an optuna trial: objectives passed to `study.optimize(...)`, lambdas."""

    def __init__(self, rule: "OptunaSuggestLegacy") -> None:
        super().__init__()
        self.rule = rule
        self.objective_names: set[str] = set()
        self.trial_params: set[int] = set()  # ids of Param nodes known to receive a trial
        self.first_params: dict[int, cst.FunctionDef | cst.Lambda] = {}

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not node.args or not m.matches(func, m.Attribute(attr=m.Name("optimize"))):
            return
        target = node.args[0].value
        if isinstance(target, (cst.Name, cst.Attribute)):
            self.objective_names.add(target.value if isinstance(target, cst.Name) else target.attr.value)
        elif isinstance(target, cst.Lambda) and target.params.params:
            param = target.params.params[0]
            self.trial_params.add(id(param))
            body = target.body
            # `lambda t: objective(t, ...)`: the called function receives the trial
            if m.matches(body, m.Call(func=m.Name(), args=[m.Arg(m.Name(param.name.value)), m.ZeroOrMore()])):
                self.objective_names.add(body.func.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = list(node.params.params)
        if params and params[0].name.value in ("self", "cls") and len(params) > 1:
            params = params[1:]
        if params:
            self.first_params[id(params[0])] = node


class OptunaSuggestLegacy(Rule):
    """## What it does
    Rewrites optuna's deprecated suggest methods on a trial: `trial.suggest_uniform(n, lo, hi)` →
    `trial.suggest_float(n, lo, hi)`, `suggest_loguniform` → `suggest_float(..., log=True)`,
    `suggest_discrete_uniform(n, lo, hi, q)` → `suggest_float(n, lo, hi, step=q)`, a positional
    `step`/`log` of `suggest_int` → keywords; and the old distributions: `UniformDistribution(lo, hi)` →
    `FloatDistribution(lo, hi)`, `LogUniformDistribution` → `FloatDistribution(..., log=True)`,
    `DiscreteUniformDistribution(lo, hi, q)` → `FloatDistribution(lo, hi, step=q)`,
    `IntUniformDistribution(lo, hi, s)` → `IntDistribution(lo, hi, step=s)`,
    `IntLogUniformDistribution(lo, hi)` → `IntDistribution(lo, hi, log=True)`.

    ## Why is this bad?
    The old methods and classes are deprecated since optuna 3.0 and scheduled for removal in 6.0;
    `suggest_int`'s `step`/`log` are keyword-only in optuna 5.

    ## Example
    ```python
    def objective(trial: optuna.Trial) -> float:
        lr = trial.suggest_loguniform("lr", 1e-5, 1e-1)
    ```
    Use instead:
    ```python
    def objective(trial: optuna.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    ```

    ## Fix safety
    Safe: the same distributions (and stored studies stay compatible). The method rewrite is applied
    when the receiver is provably an optuna trial: a parameter annotated `optuna.Trial` (or
    `FrozenTrial`/`FixedTrial`), the first parameter of a function passed to `study.optimize(...)`
    (directly, or through `lambda t: objective(t, ...)`), `study.ask()`, or `optuna.trial.FixedTrial(...)`.
    Other receivers in files that import optuna get an unsafe fix (it may be another library's
    object); files that do not import optuna are left alone (`hyperopt.hp.uniform`, `ray.tune.uniform`).
    """

    code = "FX511"
    name = "optuna-suggest-legacy"
    summary = "trial.suggest_uniform/loguniform/discrete_uniform and the old distributions are deprecated; use suggest_float."
    safety = Safety.SAFE
    versions = Versions("optuna", deprecated="3.0", fix_needs="2.0")  # removal scheduled for 6.0; step= came in 2.0
    requires = ("optuna",)  # every import form names the library
    triggers = ("suggest_", "Distribution")
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider)

    examples = (
        Example(
            """
            import optuna
            def objective(trial: optuna.Trial) -> float:
                x = trial.suggest_uniform("x", -1.0, 1.0)
                lr = trial.suggest_loguniform("lr", 1e-5, 1e-1)
                d = trial.suggest_discrete_uniform("d", 0.0, 1.0, 0.25)
                n = trial.suggest_int("n", 2, 64, 2)
                return x
            """,
            """
            import optuna
            def objective(trial: optuna.Trial) -> float:
                x = trial.suggest_float("x", -1.0, 1.0)
                lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
                d = trial.suggest_float("d", 0.0, 1.0, step=0.25)
                n = trial.suggest_int("n", 2, 64, step=2)
                return x
            """,
        ),
        Example(
            """
            import optuna
            def objective(t):
                return t.suggest_discrete_uniform("d", 0, 1, q=0.1)
            study = optuna.create_study()
            study.optimize(objective, n_trials=10)
            """,
            """
            import optuna
            def objective(t):
                return t.suggest_float("d", 0, 1, step=0.1)
            study = optuna.create_study()
            study.optimize(objective, n_trials=10)
            """,
        ),
        Example(
            """
            import optuna
            def fit(trial, data):
                return trial.suggest_uniform("x", 0, 1)
            optuna.create_study().optimize(lambda tr: fit(tr, data))
            """,
            """
            import optuna
            def fit(trial, data):
                return trial.suggest_float("x", 0, 1)
            optuna.create_study().optimize(lambda tr: fit(tr, data))
            """,
        ),
        Example("from optuna.trial import Trial\ndef obj(trial: Trial):\n    return trial.suggest_loguniform('a', 1, 10)\n",
                "from optuna.trial import Trial\ndef obj(trial: Trial):\n    return trial.suggest_float('a', 1, 10, log=True)\n"),
        Example("import optuna\ntrial = study.ask()\nx = trial.suggest_uniform('x', 0, 1)\n",
                "import optuna\ntrial = study.ask()\nx = trial.suggest_float('x', 0, 1)\n"),
        Example("import optuna\ndef helper(trial):\n    return trial.suggest_uniform('x', 0, 1)\n",
                message="`trial.suggest_uniform('x', 0, 1)` → `trial.suggest_float('x', 0, 1)`",
                line=3, safety=Safety.UNSAFE),
        Example("import optuna\ndef helper(trial):\n    return trial.suggest_uniform('x', 0, 1)\n",
                "import optuna\ndef helper(trial):\n    return trial.suggest_float('x', 0, 1)\n", unsafe=True),
        Example(
            "import optuna.distributions as od\nd = {'x': od.UniformDistribution(0, 1), 'y': od.LogUniformDistribution(1, 10),\n"
            "     'n': od.IntUniformDistribution(1, 9, 2), 'q': od.DiscreteUniformDistribution(0, 1, q=0.5)}\n",
            "import optuna.distributions as od\nd = {'x': od.FloatDistribution(0, 1), 'y': od.FloatDistribution(1, 10, log=True),\n"
            "     'n': od.IntDistribution(1, 9, step=2), 'q': od.FloatDistribution(0, 1, step=0.5)}\n",
        ),
        Example("from optuna.distributions import IntLogUniformDistribution\nd = IntLogUniformDistribution(1, 100)\n",
                "from optuna.distributions import IntDistribution\nd = IntDistribution(1, 100, log=True)\n"),
        # must not touch: the current API, other tuners, files without optuna
        Example("import optuna\ndef objective(trial: optuna.Trial):\n    return trial.suggest_float('x', 0, 1, log=True)\n"
                "n = trial.suggest_int('n', 1, 10, step=2)\n"),
        Example("from hyperopt import hp\nspace = hp.uniform('x', 0, 1)\nfrom ray import tune\nc = tune.loguniform(1e-4, 1e-1)\n"),
        Example("def helper(trial):\n    return trial.suggest_uniform('x', 0, 1)\n"),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._imports_optuna = False
        self._objectives = _Objectives(self)
        self._bindings: dict[int, cst.BaseExpression] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self._imports_optuna = "optuna" in node.code
        node.visit(self._objectives)
        for stmt in _assignments(node):
            for target in stmt.targets:
                if isinstance(target.target, cst.Name):
                    self._bindings[id(target.target)] = stmt.value

    # -- is the receiver an optuna trial? -------------------------------------------------------------------
    def _is_trial(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call):
            return bool(qualified_names(self, expr.func) & TRIAL_TYPES)
        if not isinstance(expr, cst.Name):
            return False
        assignments = assignments_of(self, expr)
        if not assignments:
            return False
        return all(isinstance(a, Assignment) and self._binds_trial(a.node) for a in assignments)

    def _binds_trial(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Param):
            if node.annotation is not None and qualified_names(self, node.annotation.annotation) & TRIAL_TYPES:
                return True
            if id(node) in self._objectives.trial_params:
                return True
            func = self._objectives.first_params.get(id(node))
            return isinstance(func, cst.FunctionDef) and func.name.value in self._objectives.objective_names
        value = self._bindings.get(id(node))
        if value is None or not isinstance(value, cst.Call):
            return False
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value == "ask" and not value.args and self._imports_optuna:
            return True
        return self._is_trial(value)

    # -- rewrites -------------------------------------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if any(a.star for a in original_node.args):
            return updated_node
        func = original_node.func
        names = qualified_names(self, func)
        distribution = next((n for n in names if n.startswith("optuna.distributions.")
                             and n.rpartition(".")[2] in DISTRIBUTIONS), None)
        if distribution is not None:
            return self._distribution(distribution, original_node, updated_node)
        if isinstance(func, cst.Attribute) and (func.attr.value in METHODS or func.attr.value == "suggest_int"):
            return self._method(original_node, updated_node)
        return updated_node

    def _method(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        old = original.func.attr.value
        positional = [a for a in original.args if a.keyword is None]
        if len(original.args) < 3:
            return updated  # not a valid call: nothing to translate
        if old == "suggest_int":
            if len(positional) <= 3:
                return updated
            new, extra = "suggest_int", None
            args = _to_keywords(list(updated.args), {3: "step", 4: "log"})
        else:
            new, extra = METHODS[old]
            if extra == "step":
                args = _to_keywords(list(updated.args), {3: "step"})
            else:
                args = list(updated.args)
            if extra == "log":
                if keyword(original, "log") is not None:
                    return updated
                args = append_arg(args, keyword_arg("log", cst.Name("True")))
        if not _well_ordered(args):
            return updated
        call = updated.with_changes(func=updated.func.with_changes(attr=cst.Name(new)), args=args)
        if self._is_trial(original.func.value):
            fix, reason = Safety.SAFE, ""
        elif self._imports_optuna:
            fix, reason = Safety.UNSAFE, "the receiver is not provably an optuna trial"
        else:
            return updated
        what = "positional `step`/`log` are keyword-only in optuna 5" if old == "suggest_int" else NOTE
        message = f"`{short_code(original, 60)}` → `{short_code(call, 70)}` ({what})"
        if self.report(original, message, fix=fix, reason=reason):
            return call
        return updated

    def _distribution(self, name: str, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        old = name.rpartition(".")[2]
        new, extra = DISTRIBUTIONS[old]
        positional = [a for a in original.args if a.keyword is None]
        if len(original.args) < 2:
            return updated  # not a valid call: nothing to translate
        if old == "IntLogUniformDistribution":
            step = keyword(original, "step") or (positional[2] if len(positional) > 2 else None)
            if step is not None and not m.matches(step.value, m.Integer("1")):
                self.report(original, f"`{old}(..., step=...)`: `IntDistribution` cannot combine `log=True` with a step",
                            fix=Safety.DETECT)
                return updated
            args = [a for a in updated.args if not (a.keyword is not None and a.keyword.value == "step")][:2]
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        elif extra == "step":
            args = _to_keywords(list(updated.args), {2: "step"})
        else:
            args = list(updated.args)
        if extra == "log":
            args = append_arg(args, keyword_arg("log", cst.Name("True")))
        if not _well_ordered(args):
            return updated
        func = updated.func
        new_func = func.with_changes(attr=cst.Name(new)) if isinstance(func, cst.Attribute) else cst.Name(new)
        call = updated.with_changes(func=new_func, args=args)
        message = f"`{short_code(original, 60)}` → `{short_code(call, 70)}` ({NOTE})"
        if not self.report(original, message, fix=Safety.SAFE):
            return updated
        if isinstance(func, cst.Name):
            replace_callee(self, func, name, new)
        return call


def _assignments(module: cst.Module) -> list[cst.Assign]:
    found: list[cst.Assign] = []

    class _Collect(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            found.append(node)

    module.visit(_Collect())
    return found
