"""The project pass keeps a summary of each module, not its tree (finfix/project/summaries.py): what the
solver reads of calls inside literals, of calls it drops early and of emptied literals stays the same."""

from __future__ import annotations

import ast

from finfix.project.gather import gather
from finfix.project.summaries import ClassShape, Signature, read

HELPERS = """\
import numpy as np
import pandas as pd


def use(frame):
    return frame


def caller(path):
    a = use(pd.read_csv(path))
    b = [use([1, 2, 3])]  # a call site inside a list literal: it passes a list
    return a, b


def framed(frame):
    return frame


def only_frames(path):
    return {"x": framed(pd.read_csv(path)), "y": np.zeros(3)}


class Model:
    def fit(self, frame):
        return frame

    def run(self, path):
        return self.fit(pd.read_csv(path))


def untyped(thing, path):
    return thing.fit(pd.read_csv(path))  # `.fit` on something finfix cannot type
"""


def _facts(tmp_path, source):
    pkg = tmp_path / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "helpers.py").write_text(source)
    files = [str(pkg / "__init__.py"), str(pkg / "helpers.py")]
    return gather(files, tmp_path), files


def test_modules_keep_no_tree_and_their_defs_become_summaries(tmp_path):
    _, files = _facts(tmp_path, HELPERS)
    mod = read(files)["pkg.helpers"]
    assert mod.tree is None
    assert all(isinstance(f, Signature) for f in mod.functions.values())
    assert isinstance(mod.classes["Model"], ClassShape) and mod.classes["Model"].overrides == {"fit", "run"}
    assert all(scope.nodes == [] for scope in mod.scopes)
    literal = next(v for s in mod.scopes for v in s.bindings.get("b", []) if v is not None)
    assert isinstance(literal, ast.List) and literal.elts == []  # emptied: only its type is read


def test_a_call_inside_a_literal_is_still_a_call_site(tmp_path):
    facts, _ = _facts(tmp_path, HELPERS)
    # `use` gets a DataFrame at one call site and a list at the other (inside `[...]`): no fact
    assert "P:pkg.helpers.use:frame" not in facts.values
    assert "of 2 call site(s)" in facts.unknown["P:pkg.helpers.use:frame"]
    # `framed` is called once, inside a dict literal, with a DataFrame
    assert facts.values["P:pkg.helpers.framed:frame"].kind == "DataFrame"


def test_a_method_called_on_an_untyped_receiver_keeps_its_parameters_unknown(tmp_path):
    facts, _ = _facts(tmp_path, HELPERS)
    assert "P:pkg.helpers.Model.fit:frame" not in facts.values
    assert "cannot type" in facts.unknown["P:pkg.helpers.Model.fit:frame"]
    without = HELPERS.replace("return thing.fit(pd.read_csv(path))", "return thing")
    facts, _ = _facts(tmp_path / "again", without)
    assert facts.values["P:pkg.helpers.Model.fit:frame"].kind == "DataFrame"
