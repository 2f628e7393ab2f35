"""FX421 sklearn-agglomerative-affinity: `affinity=` became `metric=`."""

from __future__ import annotations

from finfix.sdk.renames import KeywordRename, RenameRule, renames_trigger
from finfix.sdk.rule import Example, Safety, Versions

CALLEES = tuple(
    f"sklearn.cluster.{module}{cls}"
    for module in ("", "_agglomerative.")
    for cls in ("AgglomerativeClustering", "FeatureAgglomeration")
)


class SklearnAgglomerativeAffinity(RenameRule):
    """## What it does
    Renames `affinity=` to `metric=` in `AgglomerativeClustering(...)` and `FeatureAgglomeration(...)`.

    ## Why is this bad?
    scikit-learn 1.2 deprecated `affinity` for these two estimators and 1.4 removed it:
    `AgglomerativeClustering(affinity="cosine")` raises `TypeError`.

    ## Example
    ```python
    model = AgglomerativeClustering(n_clusters=4, affinity="cosine", linkage="average")
    ```
    Use instead:
    ```python
    model = AgglomerativeClustering(n_clusters=4, metric="cosine", linkage="average")
    ```

    ## Fix safety
    Safe: a pure rename (`metric=` exists from scikit-learn 1.2). `SpectralClustering(affinity=...)` and
    `AffinityPropagation(affinity=...)`, where `affinity` is a different, valid parameter, are left alone.
    """

    code = "FX421"
    name = "sklearn-agglomerative-affinity"
    summary = "AgglomerativeClustering/FeatureAgglomeration(affinity=) was removed in scikit-learn 1.4; use metric=."
    safety = Safety.SAFE
    versions = Versions("scikit-learn", deprecated="1.2", removed="1.4")  # metric= came in 1.2
    requires = ("sklearn",)  # every import form names the library
    keyword_renames = (KeywordRename(CALLEES, "affinity", "metric", note="removed in scikit-learn 1.4"),)
    ast_trigger = renames_trigger(keyword_renames=keyword_renames)

    examples = (
        Example("from sklearn.cluster import AgglomerativeClustering\n"
                "m = AgglomerativeClustering(n_clusters=4, affinity='cosine', linkage='average')\n",
                "from sklearn.cluster import AgglomerativeClustering\n"
                "m = AgglomerativeClustering(n_clusters=4, metric='cosine', linkage='average')\n"),
        Example("import sklearn.cluster as skc\nf = skc.FeatureAgglomeration(affinity=dist)\n",
                "import sklearn.cluster as skc\nf = skc.FeatureAgglomeration(metric=dist)\n"),
        Example("from sklearn import cluster\nm = cluster.AgglomerativeClustering(affinity='l1')\n",
                "from sklearn import cluster\nm = cluster.AgglomerativeClustering(metric='l1')\n"),
        # must not touch: affinity is a different, valid parameter of these
        Example("from sklearn.cluster import SpectralClustering, AffinityPropagation\n"
                "s = SpectralClustering(affinity='nearest_neighbors')\na = AffinityPropagation(affinity='precomputed')\n"),
        Example("from sklearn.cluster import AgglomerativeClustering\nm = AgglomerativeClustering(metric='l1')\n"),
    )
