"""FX422 sklearn-kmeans-algorithm: `algorithm="full"/"auto"` → `"lloyd"`; removed KMeans keywords dropped."""

from __future__ import annotations

from finfix.sdk.renames import KeywordRename, RenameRule, renames_trigger
from finfix.sdk.rule import Example, Safety, Versions

KMEANS = ("sklearn.cluster.KMeans", "sklearn.cluster._kmeans.KMeans")


class SklearnKmeansAlgorithm(RenameRule):
    """## What it does
    In `KMeans(...)`, rewrites `algorithm="full"` and `algorithm="auto"` to `algorithm="lloyd"` and drops
    `n_jobs=` and `precompute_distances=`.

    ## Why is this bad?
    scikit-learn 1.1 deprecated `"full"` and `"auto"`; since 1.3 only `"lloyd"` and `"elkan"` are accepted
    (ValueError). `n_jobs` and `precompute_distances` were removed in 1.0 (TypeError).

    ## Example
    ```python
    km = KMeans(n_clusters=8, algorithm="full", n_jobs=4)
    ```
    Use instead:
    ```python
    km = KMeans(n_clusters=8, algorithm="lloyd")
    ```

    ## Fix safety
    Safe: `"full"` was an alias of Lloyd; `"auto"` pointed to Lloyd from 1.1 (before, to Elkan for
    dense data, which finds the same clustering up to floating-point ties). Dropping `n_jobs` and
    `precompute_distances` changes speed only: use `threadpoolctl.threadpool_limits` to limit threads.
    A non-literal `algorithm=` is reported for a check.
    """

    code = "FX422"
    name = "sklearn-kmeans-algorithm"
    summary = "KMeans(algorithm='full'/'auto') and n_jobs/precompute_distances were removed from scikit-learn."
    safety = Safety.SAFE
    versions = Versions("scikit-learn", deprecated="0.23", removed="1.0", fix_needs="1.1")  # n_jobs= first; "lloyd" came in 1.1
    requires = ("sklearn",)  # every import form names the library
    keyword_renames = (
        KeywordRename(KMEANS, "algorithm", "algorithm", values={"full": "lloyd", "auto": "lloyd"},
                      note="only 'lloyd' and 'elkan' since scikit-learn 1.3"),
        KeywordRename(KMEANS, "n_jobs", None, note="removed in scikit-learn 1.0; use threadpoolctl"),
        KeywordRename(KMEANS, "precompute_distances", None, note="removed in scikit-learn 1.0"),
    )
    ast_trigger = renames_trigger(keyword_renames=keyword_renames)

    examples = (
        Example("from sklearn.cluster import KMeans\nkm = KMeans(n_clusters=8, algorithm='full')\n",
                "from sklearn.cluster import KMeans\nkm = KMeans(n_clusters=8, algorithm='lloyd')\n"),
        Example('import sklearn.cluster\nkm = sklearn.cluster.KMeans(3, algorithm="auto", n_jobs=4)\n',
                'import sklearn.cluster\nkm = sklearn.cluster.KMeans(3, algorithm="lloyd")\n'),
        Example("from sklearn.cluster import KMeans as KM\nkm = KM(3, precompute_distances=True, n_init=10)\n",
                "from sklearn.cluster import KMeans as KM\nkm = KM(3, n_init=10)\n"),
        Example("from sklearn.cluster import KMeans\nkm = KMeans(3, algorithm=algo)\n",
                message="`algorithm=` takes new values", line=2, safety=Safety.DETECT),
        # must not touch: valid values, other estimators, other libraries
        Example("from sklearn.cluster import KMeans, MiniBatchKMeans\nkm = KMeans(3, algorithm='elkan')\n"
                "mb = MiniBatchKMeans(3)\nk2 = KMeans(3, algorithm='lloyd')\n"),
        Example("from sklearn.neighbors import NearestNeighbors\nnn = NearestNeighbors(algorithm='auto', n_jobs=4)\n"),
        Example("import faiss\nkm = faiss.Kmeans(64, 8, algorithm='full')\n"),
    )
