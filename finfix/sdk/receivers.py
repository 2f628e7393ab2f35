"""What kind of object a method is called on, when it can be proved without a type checker.

Rules about methods of Matplotlib ``Axes``/``Figure`` and plotly ``Figure`` objects (``ax.plot_date``,
``ax.boxplot(labels=...)``, ``fig.write_image(engine=...)``) need the receiver's type. :func:`receiver_kind`
follows the receiver back to where it was made, within its scope (no type inference across calls):

* a call of a known factory: ``plt.gca()``, ``plt.subplot()``, ``fig.add_subplot()``, ``sns.histplot()``
  (axes-level seaborn functions return the Axes), ``plt.figure()``, ``go.Figure()``, ``px.line()``,
  ``make_subplots()``, and plotly's chainable ``fig.update_layout()``;
* a name bound only to such values, including ``fig, ax = plt.subplots()``,
  ``fig, (ax1, ax2) = plt.subplots(1, 2)``, ``axes[0, 1]``, ``for ax in axes.flat``, and parameters
  annotated ``Axes``/``Figure``.

Anything else is unknown (``None``): rules report such calls instead of rewriting them. Rules using this
module need ``QualifiedNameProvider``, ``ScopeProvider`` and ``ParentNodeProvider``.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider, ScopeProvider

from finfix.sdk.names import qualified_names
from finfix.sdk.rule import Rule

AXES, AXES_ARRAY, FIGURE, SUBPLOTS, PLOTLY = "axes", "axes_array", "figure", "subplots", "plotly"

_AXES_CALLS = frozenset({
    "matplotlib.pyplot.gca", "matplotlib.pyplot.axes", "matplotlib.pyplot.subplot",
    "matplotlib.pyplot.subplot2grid", "matplotlib.pyplot.twinx", "matplotlib.pyplot.twiny",
    *(f"seaborn.{f}" for f in (
        "histplot", "kdeplot", "ecdfplot", "rugplot", "scatterplot", "lineplot", "barplot", "boxplot",
        "violinplot", "stripplot", "swarmplot", "pointplot", "countplot", "boxenplot", "heatmap",
        "regplot", "residplot",
    )),
})
_FIGURE_CALLS = frozenset({"matplotlib.pyplot.figure", "matplotlib.pyplot.gcf", "matplotlib.figure.Figure"})
_SUBPLOTS_CALLS = frozenset({"matplotlib.pyplot.subplots", "matplotlib.pyplot.subplot_mosaic"})
_PLOTLY_CALLS = frozenset({
    "plotly.graph_objects.Figure", "plotly.graph_objs.Figure", "plotly.graph_objects.FigureWidget",
    "plotly.graph_objs.FigureWidget", "plotly.subplots.make_subplots",
})
_PLOTLY_PREFIXES = ("plotly.express.", "plotly.figure_factory.")
# Methods that make an Axes, whatever they are called on (the names are Matplotlib's own).
_AXES_METHODS = frozenset({"gca", "add_subplot", "add_axes", "twinx", "twiny", "inset_axes"})
_ANNOTATIONS = {
    AXES: frozenset({"matplotlib.axes.Axes", "matplotlib.axes._axes.Axes", "matplotlib.pyplot.Axes"}),
    FIGURE: frozenset({"matplotlib.figure.Figure", "matplotlib.pyplot.Figure"}),
    PLOTLY: frozenset({"plotly.graph_objects.Figure", "plotly.graph_objs.Figure", "plotly.graph_objs._figure.Figure",
                       "plotly.graph_objects.FigureWidget", "plotly.graph_objs.FigureWidget"}),
}
_MAX_DEPTH = 6


def receiver_kind(rule: Rule, expr: cst.BaseExpression, _depth: int = 0) -> str | None:
    """``"axes"``, ``"axes_array"``, ``"figure"`` (Matplotlib), ``"subplots"`` (the ``(fig, axes)`` pair),
    ``"plotly"`` (a plotly Figure), or None when it cannot be proved."""
    if _depth > _MAX_DEPTH:
        return None
    depth = _depth + 1
    if isinstance(expr, cst.Call):
        return _call_kind(rule, expr, depth)
    if isinstance(expr, cst.Subscript):
        base = receiver_kind(rule, expr.value, depth)
        if base == AXES_ARRAY:
            return AXES if len(expr.slice) >= 1 and not _is_slice(expr) else AXES_ARRAY
        if base == SUBPLOTS and len(expr.slice) == 1:
            index = expr.slice[0].slice
            if isinstance(index, cst.Index) and isinstance(index.value, cst.Integer):
                return {0: FIGURE, 1: AXES_ARRAY}.get(int(index.value.value))
        return None
    if isinstance(expr, cst.Attribute):
        base = receiver_kind(rule, expr.value, depth)
        if base == AXES_ARRAY and expr.attr.value == "flat":
            return AXES_ARRAY
        if base == FIGURE and expr.attr.value == "axes":
            return AXES_ARRAY
        if base == AXES and expr.attr.value == "figure":
            return FIGURE
        return None
    if isinstance(expr, cst.Name):
        return _name_kind(rule, expr, depth)
    return None


def _is_slice(sub: cst.Subscript) -> bool:
    return any(isinstance(el.slice, cst.Slice) for el in sub.slice)


def _call_kind(rule: Rule, call: cst.Call, depth: int) -> str | None:
    names = qualified_names(rule, call.func)
    if names & _AXES_CALLS:
        return AXES
    if names & _FIGURE_CALLS:
        return FIGURE
    if names & _SUBPLOTS_CALLS:
        return SUBPLOTS
    if names & _PLOTLY_CALLS or any(n.startswith(_PLOTLY_PREFIXES) for n in names):
        return PLOTLY
    func = call.func
    if isinstance(func, cst.Attribute):
        method = func.attr.value
        if method in _AXES_METHODS:
            return AXES
        base = receiver_kind(rule, func.value, depth)
        if base == FIGURE and method == "subplots":
            return AXES_ARRAY
        if base == AXES_ARRAY and method in ("ravel", "flatten"):
            return AXES_ARRAY
        if base == PLOTLY and (method.startswith(("update", "add_", "for_each_")) or method == "set_subplots"):
            return PLOTLY  # plotly's figure methods return the figure, for chaining
    return None


def _name_kind(rule: Rule, name: cst.Name, depth: int) -> str | None:
    scope = rule.get_metadata(ScopeProvider, name, None)
    if scope is None:
        return None
    referents = set()
    for access in scope.accesses[name]:
        referents |= set(access.referents)
    if not referents:
        return None
    kinds = set()
    for assignment in referents:
        node = getattr(assignment, "node", None)
        kinds.add(_assigned_kind(rule, node, depth) if node is not None else None)
        if None in kinds or len(kinds) > 1:
            return None
    return kinds.pop()


def _annotation_kind(rule: Rule, annotation: cst.Annotation | None) -> str | None:
    if annotation is None:
        return None
    names = qualified_names(rule, annotation.annotation)
    for kind, known in _ANNOTATIONS.items():
        if names & known:
            return kind
    return None


def _assigned_kind(rule: Rule, node: cst.CSTNode, depth: int) -> str | None:
    if isinstance(node, cst.Param):
        return _annotation_kind(rule, node.annotation)
    if not isinstance(node, cst.Name):
        return None
    path: list[int] = []
    current: cst.CSTNode = node
    while True:
        parent = rule.get_metadata(ParentNodeProvider, current, None)
        if isinstance(parent, cst.Element):
            container = rule.get_metadata(ParentNodeProvider, parent, None)
            if not isinstance(container, (cst.Tuple, cst.List)):
                return None
            path.insert(0, list(container.elements).index(parent))
            current = container
            continue
        break
    if isinstance(parent, cst.AssignTarget):
        assign = rule.get_metadata(ParentNodeProvider, parent, None)
        if not isinstance(assign, cst.Assign):
            return None
        return _unpack(rule, assign.value, path, depth)
    if isinstance(parent, cst.AnnAssign) and parent.target is current:
        return _annotation_kind(rule, parent.annotation) or (
            _unpack(rule, parent.value, path, depth) if parent.value is not None else None
        )
    if isinstance(parent, cst.For) and parent.target is current:
        return _iterated(rule, parent.iter, path, depth)
    return None


def _unpack(rule: Rule, value: cst.BaseExpression, path: list[int], depth: int) -> str | None:
    kind = receiver_kind(rule, value, depth)
    if not path:
        return kind
    if kind == SUBPLOTS:
        if path[0] == 0 and len(path) == 1:
            return FIGURE
        if path[0] == 1:
            if len(path) > 1:
                return AXES  # fig, (ax1, ax2) = plt.subplots(1, 2)
            return AXES if _single_axes(value) else AXES_ARRAY
    if kind == AXES_ARRAY:
        return AXES  # ax1, ax2 = axes
    if isinstance(value, (cst.Tuple, cst.List)) and path[0] < len(value.elements):
        return _unpack(rule, value.elements[path[0]].value, path[1:], depth)
    return None


def _single_axes(call: cst.BaseExpression) -> bool:
    """``plt.subplots()`` and ``plt.subplots(1, 1)`` give one Axes; other grids an array."""
    if not isinstance(call, cst.Call):
        return False
    if getattr(call.func, "attr", getattr(call.func, "value", None)) in ("subplot_mosaic",):
        return False
    shape = []
    for i, arg in enumerate(call.args):
        if arg.keyword is None and i < 2:
            shape.append(arg.value)
        elif arg.keyword is not None and arg.keyword.value in ("nrows", "ncols"):
            shape.append(arg.value)
        elif arg.keyword is not None and arg.keyword.value == "squeeze":
            return False
        elif arg.star:
            return False
    return all(isinstance(v, cst.Integer) and v.value == "1" for v in shape)


def _iterated(rule: Rule, iterable: cst.BaseExpression, path: list[int], depth: int) -> str | None:
    """The kind of the loop variable at ``path`` in ``for <target> in iterable``."""
    if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.args:
        builtin = qualified_names(rule, iterable.func)
        if "builtins.enumerate" in builtin and path and path[0] == 1:
            return _iterated(rule, iterable.args[0].value, path[1:], depth)
        if "builtins.zip" in builtin and path and path[0] < len(iterable.args):
            return _iterated(rule, iterable.args[path[0]].value, path[1:], depth)
        return None
    if path:
        return None
    kind = receiver_kind(rule, iterable, depth)
    if kind == AXES_ARRAY:
        return AXES  # for ax in axes.flat (a 2-D array yields rows: rows have no Axes methods either)
    return None


def bound_in_function(rule: Rule, expr: cst.BaseExpression) -> bool:
    """Is the leftmost name of ``expr`` (``cm`` in ``cm.get_cmap``) bound by a function-local statement,
    such as a lazy ``from seaborn import distplot`` inside a function?

    Rules that would add a module-level import next to such a name report instead: the new import would
    make an optional dependency a hard one at import time.
    """
    while isinstance(expr, (cst.Attribute, cst.Call, cst.Subscript)):
        expr = expr.value if not isinstance(expr, cst.Call) else expr.func
    if not isinstance(expr, cst.Name):
        return False
    scope = rule.get_metadata(ScopeProvider, expr, None)
    if scope is None:
        return False
    return any(
        ref.scope is not scope.globals for access in scope.accesses[expr] for ref in access.referents
    )
