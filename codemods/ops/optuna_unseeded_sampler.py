"""FX512 optuna-unseeded-sampler: studies and samplers without a seed are not reproducible."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import keyword, qualified_names, short_code
from finfix.sdk.nodes import append_arg, keyword_arg
from finfix.sdk.rule import Example, Rule, Safety

SAMPLERS = ("TPESampler", "RandomSampler", "CmaEsSampler", "NSGAIISampler", "NSGAIIISampler", "QMCSampler",
            "GPSampler", "BruteForceSampler")
SAMPLER_NAMES = {f"optuna.samplers.{s}" for s in SAMPLERS}
CREATE_STUDY = {"optuna.create_study", "optuna.study.create_study"}
CAVEAT = "reproducible with n_jobs=1, a seeded objective and no concurrent workers"
REASON = "seeding changes which trials are sampled"


class OptunaUnseededSampler(Rule):
    """## What it does
    Reports `optuna.create_study(...)` without `sampler=` and optuna samplers (`TPESampler()`,
    `RandomSampler()`, `CmaEsSampler()`, `NSGAIISampler()`, `QMCSampler()`, `GPSampler()`, …)
    without `seed=`. With the option `seed` set (say `seed = 42` under `[tool.finfix.FX512]`) it
    offers an unsafe fix: `create_study(direction="maximize")` →
    `create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=42))`, `TPESampler()` →
    `TPESampler(seed=42)`.

    ## Why is this bad?
    An unseeded sampler draws from system randomness, so two runs of the same research script
    explore different trials and report different "best" parameters: results cannot be reproduced.

    ## Example
    ```python
    study = optuna.create_study(direction="maximize")
    ```
    Use instead:
    ```python
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=42))
    ```

    ## Fix safety
    Detect only by default. The opt-in fix is unsafe: it changes which trials are sampled.
    Reproducibility also needs `n_jobs=1`, a deterministic objective (seed numpy, torch and
    `random_state` yourself) and no concurrent workers on shared storage.
    """

    code = "FX512"
    name = "optuna-unseeded-sampler"
    summary = "optuna study/sampler without a seed: runs are not reproducible."
    safety = Safety.DETECT
    requires = ("optuna",)  # every import form names the library
    triggers = ("create_study", "Sampler")
    options = {"seed": None}
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    examples = (
        Example("import optuna\nstudy = optuna.create_study(direction='maximize')\n",
                message="uses an unseeded TPESampler: pass `sampler=optuna.samplers.TPESampler(seed=SEED)`",
                line=2, safety=Safety.DETECT),
        Example("import optuna\nstudy = optuna.create_study(direction='maximize')\n",
                "import optuna\nstudy = optuna.create_study(direction='maximize', sampler=optuna.samplers.TPESampler(seed=42))\n",
                unsafe=True, options={"seed": 42}),
        Example("import optuna as op\ns = op.create_study()\n",
                "import optuna as op\ns = op.create_study(sampler=op.samplers.TPESampler(seed=7))\n",
                unsafe=True, options={"seed": 7}),
        Example("from optuna import create_study\ns = create_study()\n",
                "from optuna import create_study\nfrom optuna.samplers import TPESampler\n\n"
                "s = create_study(sampler=TPESampler(seed=1))\n", unsafe=True, options={"seed": 1}),
        Example("from optuna.samplers import TPESampler, RandomSampler\na = TPESampler(n_startup_trials=5)\nb = RandomSampler()\n",
                "from optuna.samplers import TPESampler, RandomSampler\na = TPESampler(n_startup_trials=5, seed=3)\n"
                "b = RandomSampler(seed=3)\n", unsafe=True, options={"seed": 3}),
        Example("import optuna\ns = optuna.create_study(sampler=optuna.samplers.CmaEsSampler())\n",
                message="`optuna.samplers.CmaEsSampler()` has no seed", line=2, safety=Safety.DETECT),
        # must not touch: seeded samplers, a sampler from elsewhere, other libraries
        Example("import optuna\ns = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))\n"
                "t = optuna.create_study(sampler=my_sampler)\nu = optuna.create_study(**cfg)\n"),
        Example("from sklearn.model_selection import ParameterSampler\np = ParameterSampler(grid, 10)\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        names = qualified_names(self, original_node.func)
        if any(a.star == "**" for a in original_node.args):
            return updated_node
        seed = self.option("seed")
        fix = Safety.UNSAFE if seed is not None else Safety.DETECT
        shown_seed = str(seed) if seed is not None else "SEED"
        if names & CREATE_STUDY:
            if keyword(original_node, "sampler") is not None:
                return updated_node
            sampler = self._tpe(updated_node.func, shown_seed)
            new = updated_node.with_changes(
                args=append_arg(updated_node.args, keyword_arg("sampler", sampler)))
            message = (f"`{short_code(original_node, 30)}` uses an unseeded TPESampler: pass "
                       f"`sampler={short_code(sampler, 40)}`")
        elif names & SAMPLER_NAMES:
            if keyword(original_node, "seed") is not None or any(a.keyword is None for a in original_node.args):
                return updated_node  # seeded, or RandomSampler(42): the seed is positional
            seed_arg = keyword_arg("seed", cst.parse_expression(shown_seed))
            new = updated_node.with_changes(args=append_arg(updated_node.args, seed_arg))
            message = f"`{short_code(original_node, 40)}` has no seed: pass `seed={shown_seed}`"
        else:
            return updated_node
        reason = f"{REASON}; {CAVEAT}" if seed is not None else CAVEAT  # the caveat: kept out of the one-line message
        if not self.report(original_node, message, fix=fix, reason=reason):
            return updated_node
        if names & CREATE_STUDY and not isinstance(updated_node.func, cst.Attribute):
            AddImportsVisitor.add_needed_import(self.context, "optuna.samplers", "TPESampler")
        return new

    @staticmethod
    def _tpe(func: cst.BaseExpression, seed: str) -> cst.BaseExpression:
        if isinstance(func, cst.Attribute) and isinstance(func.value, (cst.Name, cst.Attribute)):
            base = func.value
            if isinstance(base, cst.Attribute) and base.attr.value == "study":  # optuna.study.create_study
                base = base.value
            sampler = cst.Attribute(value=cst.Attribute(value=base, attr=cst.Name("samplers")),
                                    attr=cst.Name("TPESampler"))
        else:
            sampler = cst.Name("TPESampler")
        return cst.Call(func=sampler, args=[keyword_arg("seed", cst.parse_expression(seed))])
