"""FX423 sklearn-kmeans-n-init: pin the pre-1.4 `n_init` where the default changed."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from finfix.sdk.names import keyword, qualified_names, short_code
from finfix.sdk.nodes import keyword_arg
from finfix.sdk.rule import Example, Rule, Safety, Versions

#: estimator -> its n_init before scikit-learn 1.4
LEGACY = {
    "sklearn.cluster.KMeans": 10, "sklearn.cluster._kmeans.KMeans": 10,
    "sklearn.cluster.MiniBatchKMeans": 3, "sklearn.cluster._kmeans.MiniBatchKMeans": 3,
}
_ARRAY_MAKERS = ("numpy.array", "numpy.asarray", "numpy.vstack", "numpy.stack")


class SklearnKmeansNInit(Rule):
    """## What it does
    Adds `n_init=10` to `KMeans(...)` and `n_init=3` to `MiniBatchKMeans(...)` calls that do not set
    `n_init`, pinning the number of restarts scikit-learn used before 1.4. With the option
    `n-init = "auto"` it writes `n_init="auto"` instead, accepting the new default explicitly.

    ## Why is this bad?
    scikit-learn 1.4 changed the default from 10 (KMeans) / 3 (MiniBatchKMeans) to `"auto"`, which
    means a single run with the default `init="k-means++"`. Code written for the old default now does
    fewer restarts: a worse inertia and different labels, silently. scikit-learn 1.2–1.3 warned.

    ## Example
    ```python
    km = KMeans(n_clusters=8, random_state=0)
    ```
    Use instead:
    ```python
    km = KMeans(n_clusters=8, random_state=0, n_init=10)
    ```

    ## Fix safety
    Unsafe: `n_init=10` reproduces the results of scikit-learn < 1.4 (it is slower than the new default),
    so on scikit-learn ≥ 1.4 it changes today's results: ten restarts instead of one give other centres,
    labels and inertia. Take it when the code was written for the old default. Code written for
    scikit-learn ≥ 1.4, which means the new default, should use the option `n-init = "auto"`: a safe fix
    that keeps today's results. Calls with `init="random"` (where `"auto"` already means the
    old count), with an explicit array of initial centres (one run either way), or with `**kwargs`
    are left alone. With the option `report-random-state = true` it also reports (information only)
    `KMeans`/`MiniBatchKMeans` calls without `random_state`, whose labels change from run to run.
    """

    code = "FX423"
    name = "sklearn-kmeans-n-init"
    summary = "KMeans/MiniBatchKMeans n_init default changed to 'auto' in scikit-learn 1.4; pin it."
    safety = Safety.UNSAFE
    versions = Versions("scikit-learn", deprecated="1.2", fix_needs="0")  # the default changed in 1.4; n_init=10: any version
    requires = ("sklearn",)  # every import form names the library
    triggers = ("KMeans",)
    options = {"n-init": "legacy", "report-random-state": False}
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    examples = (
        Example("from sklearn.cluster import KMeans\nkm = KMeans(n_clusters=8, random_state=0)\n",
                "from sklearn.cluster import KMeans\nkm = KMeans(n_clusters=8, random_state=0, n_init=10)\n",
                unsafe=True, safety=Safety.UNSAFE, line=2),
        # a safe-only run reports the pin and leaves the code as it is
        Example("from sklearn.cluster import KMeans\nkm = KMeans(n_clusters=8)\n", safety=Safety.UNSAFE,
                message="`KMeans(n_clusters=8)`: the default `n_init` of KMeans changed from 10 to 'auto' in "
                        "scikit-learn 1.4; add `n_init=10` to keep the old restarts"),
        Example("import sklearn.cluster as skc\nmb = skc.MiniBatchKMeans(4)\n",
                "import sklearn.cluster as skc\nmb = skc.MiniBatchKMeans(4, n_init=3)\n", unsafe=True),
        Example("from sklearn.cluster import KMeans\nkm = KMeans()\n", "from sklearn.cluster import KMeans\nkm = KMeans(n_init=10)\n", unsafe=True),
        Example("from sklearn.cluster import KMeans\nkm = KMeans(\n    n_clusters=3,\n)\n",
                "from sklearn.cluster import KMeans\nkm = KMeans(\n    n_clusters=3,\n    n_init=10,\n)\n", unsafe=True),
        Example("from sklearn.cluster import KMeans\nkm = KMeans(\n    n_clusters=3,\n    random_state=0,\n)\n",
                "from sklearn.cluster import KMeans\nkm = KMeans(\n    n_clusters=3,\n    random_state=0,\n    n_init=10,\n)\n",
                unsafe=True),
        Example("from sklearn.cluster import KMeans\nkm = KMeans(3)\n",
                "from sklearn.cluster import KMeans\nkm = KMeans(3, n_init=\"auto\")\n", options={"n-init": "auto"},
                safety=Safety.SAFE),
        Example("from sklearn.cluster import KMeans\nkm = KMeans(3, n_init=10)\n", options={"report-random-state": True},
                message="`KMeans(3, n_init=10)` has no `random_state`", line=2, safety=Safety.DETECT),
        Example("from sklearn.cluster import KMeans\nkm = KMeans(3, n_init=10, random_state=0)\n",
                options={"report-random-state": True}),
        # must not touch: n_init given, init="random", explicit centres, **kwargs, other estimators
        Example("import numpy as np\nfrom sklearn.cluster import KMeans\nkm = KMeans(3, n_init='auto')\nk2 = KMeans(3, n_init=5)\n"
                "k3 = KMeans(3, init='random')\nk4 = KMeans(3, init=np.array(centres))\nk5 = KMeans(**params)\n"),
        Example("from sklearn.cluster import SpectralClustering, BisectingKMeans\ns = SpectralClustering(3)\n"
                "b = BisectingKMeans(3)\n"),
        Example("import faiss\nkm = faiss.Kmeans(64, 8)\n"),
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        names = qualified_names(self, original_node.func)
        estimator = next((n for n in LEGACY if n in names), None)
        if estimator is None:
            return updated_node
        if self.option("report-random-state") and keyword(original_node, "random_state") is None \
                and not any(a.star == "**" for a in original_node.args):
            self.report(original_node, f"`{short_code(original_node, 50)}` has no `random_state`: the initial centres "
                        "(and so the labels) change from run to run", fix=Safety.DETECT,
                        reason="pick a seed for reproducible research")
        if keyword(original_node, "n_init") is not None:
            return updated_node
        if any(a.star == "**" for a in original_node.args) or self._explicit_init(original_node):
            return updated_node
        if self.option("n-init") == "auto":
            value: cst.BaseExpression = cst.SimpleString('"auto"')
            why, safety, reason = "accept the 1.4 default explicitly", Safety.SAFE, ""
        else:
            value = cst.Integer(str(LEGACY[estimator]))
            why, safety = "keep the old restarts", Safety.UNSAFE
            reason = (f"on scikit-learn >= 1.4 this changes today's results ({LEGACY[estimator]} restarts instead "
                      "of one); set the option n-init = \"auto\" to keep them")
        arg = keyword_arg("n_init", value)
        args = list(updated_node.args)
        if args:
            last = args[-1]
            if last.comma is cst.MaybeSentinel.DEFAULT:
                args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            else:  # a trailing comma, possibly one argument per line: copy the layout
                gap = args[-2].comma.whitespace_after if len(args) > 1 else updated_node.whitespace_before_args
                args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=gap))
                arg = arg.with_changes(comma=last.comma)
        args.append(arg)
        leaf = estimator.rpartition(".")[2]
        message = (f"`{short_code(original_node, 30)}`: the default `n_init` of {leaf} changed from "
                   f"{LEGACY[estimator]} to 'auto' in scikit-learn 1.4; add `n_init={short_code(value)}` to {why}")
        if self.report(original_node, message, fix=safety, reason=reason):
            return updated_node.with_changes(args=args)
        return updated_node

    def _explicit_init(self, call: cst.Call) -> bool:
        init = keyword(call, "init")
        if init is None:
            return False
        value = init.value
        if isinstance(value, cst.SimpleString):
            return value.evaluated_value == "random"
        if isinstance(value, (cst.List, cst.Tuple)):
            return True
        return isinstance(value, cst.Call) and bool(qualified_names(self, value.func) & set(_ARRAY_MAKERS))
