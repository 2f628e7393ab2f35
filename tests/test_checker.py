"""The type checker adapter (finfix/project/checker.py) on a small labelled project, with the real checker.

The checker runs a handful of times in the whole module (about 2 s each): one cold run shared by the
answer tests, then one per cache-invalidating case.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from finfix.project import checker, checker_cache
from finfix.project.checker import choose_backend, infer_types
from finfix.project.checker_backends import Backend
from finfix.project.checker_probe import wrap

FIXTURE = Path(__file__).parent / "fixtures" / "checker_project"
LABELS = {k: v for k, v in json.loads((FIXTURE / "labels.json").read_text()).items() if not k.startswith("_")}


def _kind(text: str) -> str:
    """What a pyrefly answer (qualified names) says the value is, for scoring against the labels."""
    head = text.split("[", 1)[0]
    if head == "pandas.core.frame.DataFrame":
        return "frame"
    if head == "pandas.core.series.Series":
        return "series"
    if head in ("list", "dict", "set"):
        return head
    if head.startswith("numpy.ndarray"):
        return "ndarray"
    if text.startswith("("):
        return "callable"
    if text in ("Unknown", "Any"):
        return "unknown"
    return "other"


def _queries(root: Path) -> dict[Path, list[tuple[int, int, int, int]]]:
    return {root / rel: [tuple(row[:4]) for row in rows] for rel, rows in LABELS.items()}


class Runs:
    """Counts the checker processes started (the cache's whole point is starting fewer)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = subprocess.Popen

        def popen(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(checker.subprocess, "Popen", popen)


@pytest.fixture(autouse=True)
def _pyrefly(monkeypatch):
    monkeypatch.setenv("FINFIX_TYPE_CHECKER", "pyrefly")
    monkeypatch.delenv("FINFIX_CHECKER_TIMEOUT", raising=False)


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """A copy of the fixture project and the answers of one cold run over it."""
    root = tmp_path_factory.mktemp("proj") / "checker_project"
    shutil.copytree(FIXTURE, root)
    mp = pytest.MonkeyPatch()
    mp.setenv("FINFIX_TYPE_CHECKER", "pyrefly")
    try:
        answers = infer_types(root, sorted(root.rglob("*.py")), _queries(root))
    finally:
        mp.undo()
    return root, answers


def test_the_installed_checker_is_pyrefly_beside_this_interpreter():
    # pyrefly is a dependency of finfix: the quick start's `pip install .` must bring it.
    chosen = choose_backend()
    assert chosen is not None, "pyrefly is not installed (it is a dependency of finfix)"
    backend, exe = chosen
    assert backend.name == "pyrefly" and exe.is_file()


def test_labels_point_at_the_expressions_they_name():
    for rel, rows in LABELS.items():
        lines = (FIXTURE / rel).read_text().splitlines()
        for line, col, end_line, end_col, text, _kind_ in rows:
            assert line == end_line and lines[line - 1][col:end_col] == text, (rel, line, text)


def test_every_labelled_expression_gets_its_true_kind(cold):
    root, answers = cold
    wrong, missing = [], []
    for rel, rows in LABELS.items():
        for line, col, _el, _ec, text, kind in rows:
            got = answers.get((str(root / rel), line, col))
            if got is None:
                missing.append((rel, line, text))
            elif _kind(got) != kind:
                wrong.append((rel, line, text, kind, got))
    assert wrong == [] and missing == []


def test_answers_resolve_through_the_projects_own_modules(cold):
    root, answers = cold
    model = str(root / "quantlab/model.py")
    # An unannotated helper's return, an attribute set in __init__, a frame made through a star re-export.
    assert answers[(model, 7, 21)] == "pandas.core.frame.DataFrame"
    assert answers[(model, 12, 14)] == "pandas.core.series.Series"
    assert answers[(model, 29, 11)].startswith("pandas.core.frame.DataFrame")
    # Look-alikes keep their own module: a DataFrame that is not pandas' is never reported as pandas'.
    assert answers[(model, 38, 4)] == "quantlab.lookalikes.DataFrame"
    assert answers[(model, 13, 8)].startswith("list[")
    assert answers[(model, 33, 11)] == "Unknown"  # an untyped parameter: the checker does not guess


def test_files_checked_a_few_per_run_get_the_same_answers(cold, tmp_path, monkeypatch):
    """The checker's memory grows with the files it checks at once: one file per run, as many runs as
    files asked about, the same answers as one run over them all."""
    root, answers = cold
    copy = tmp_path / "checker_project"
    shutil.copytree(FIXTURE, copy)
    monkeypatch.setattr(checker, "CHUNK_FILES", 1)
    runs = Runs(monkeypatch)
    apart = infer_types(copy, sorted(copy.rglob("*.py")), _queries(copy))
    assert runs.count == len(LABELS) > 1
    assert {(k[0].replace(str(copy), ""), *k[1:]): v for k, v in apart.items()} == \
        {(k[0].replace(str(root), ""), *k[1:]): v for k, v in answers.items()}


def test_a_warm_call_is_served_from_the_cache_without_running_the_checker(cold, monkeypatch):
    root, answers = cold
    runs = Runs(monkeypatch)
    again = infer_types(root, [], _queries(root))
    assert again == answers and runs.count == 0


def test_editing_any_project_file_invalidates_the_answers(cold, tmp_path, monkeypatch):
    root = tmp_path / "p"
    shutil.copytree(cold[0], root)
    io_py = root / "quantlab/io.py"
    # load_prices now returns a list: the answer in model.py, another file, must change.
    io_py.write_text(io_py.read_text().replace("return pd.read_csv(path, index_col=0)", "return [path]"))
    runs = Runs(monkeypatch)
    answers = infer_types(root, [], {root / "quantlab/model.py": [(7, 21, 7, 38)]})
    assert runs.count == 1
    assert answers[(str(root / "quantlab/model.py"), 7, 21)] == "list[Unknown]"


def test_only_the_spans_missing_from_the_cache_are_asked(cold, monkeypatch):
    root, answers = cold
    model = root / "quantlab/model.py"
    runs = Runs(monkeypatch)
    # `frame` on line 22's right-hand side was never asked: one run, and the old answers still served.
    got = infer_types(root, [], {model: [(7, 21, 7, 38), (22, 12, 22, 28)]})
    assert runs.count == 1
    assert got[(str(model), 7, 21)] == answers[(str(model), 7, 21)]
    assert got[(str(model), 22, 12)] == "pandas.core.frame.DataFrame"
    assert infer_types(root, [], {model: [(22, 12, 22, 28)]}) == {(str(model), 22, 12): got[(str(model), 22, 12)]}
    assert runs.count == 1


def _damage(entry: Path, how: str) -> None:
    data = json.loads(entry.read_text())
    if how == "garbage":
        entry.write_bytes(b"\x00\xffnot json")
    elif how == "truncated":
        entry.write_text(entry.read_text()[: len(entry.read_text()) // 2])
    elif how == "tampered":  # an answer changed without its checksum: never served
        data["answers"] = {k: "builtins.int" for k in data["answers"]}
        entry.write_text(json.dumps(data))
    elif how == "wrong-shape":
        data["answers"] = ["not", "a", "mapping"]
        entry.write_text(json.dumps(data))
    else:  # an entry of another project state under this one's name
        data["key"] = "0" * 64
        entry.write_text(json.dumps(data))


@pytest.mark.parametrize("how", ["garbage", "truncated", "tampered", "wrong-shape", "other-key"])
def test_a_damaged_cache_entry_reads_as_a_miss(cold, tmp_path, how):
    root = tmp_path / "p"
    shutil.copytree(cold[0], root)
    key_and_rel = []
    for entry in (root / checker_cache.DIR).glob("*.json"):
        data = json.loads(entry.read_text())
        assert checker_cache.load(root, data["key"], data["file"])  # intact: served
        key_and_rel.append((data["key"], data["file"]))
        _damage(entry, how)
    assert key_and_rel, "the cold run wrote no cache entries"
    for key, rel in key_and_rel:
        assert checker_cache.load(root, key, rel) == {}


def test_a_damaged_cache_entry_is_asked_again_never_a_crash(cold, tmp_path, monkeypatch):
    root = tmp_path / "p"
    shutil.copytree(cold[0], root)
    for entry in (root / checker_cache.DIR).glob("*.json"):
        _damage(entry, "tampered")
    model = root / "quantlab/model.py"
    runs = Runs(monkeypatch)
    answers = infer_types(root, [], {model: [(7, 21, 7, 38)]})
    assert runs.count == 1
    assert answers == {(str(model), 7, 21): "pandas.core.frame.DataFrame"}


def test_no_checker_means_no_answers(cold, monkeypatch):
    root, _ = cold
    monkeypatch.setenv("FINFIX_TYPE_CHECKER", "none")
    assert infer_types(root, [], _queries(root)) == {}
    monkeypatch.delenv("FINFIX_TYPE_CHECKER")
    monkeypatch.setattr(Backend, "find", lambda self: None)
    assert choose_backend() is None
    assert infer_types(root, [], _queries(root)) == {}


def _fake(monkeypatch, script: str) -> None:
    """A checker that is really a Python one-liner (crashing, hanging, printing nonsense)."""
    fake = Backend("fakecheck", "fakecheck", lambda exe, root, files, py: [sys.executable, "-c", script],
                   lambda out, root: json.loads(out)["reveals"])
    monkeypatch.setattr(checker, "choose_backend", lambda: (fake, Path(sys.executable)))


@pytest.mark.parametrize("script, says", [
    ("import sys; sys.stderr.write('boom\\n'); sys.exit(3)", "fakecheck failed (exit 3: boom)"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", "fakecheck failed (exit -11"),
    ("print('this is not json')", "could not read fakecheck's output"),
])
def test_a_crashing_checker_is_one_warning_line_and_no_answers(tmp_path, monkeypatch, capsys, script, says):
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    _fake(monkeypatch, script)
    assert infer_types(root, [], _queries(root)) == {}
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("finfix: warning: ") and says in err
    assert "Traceback" not in err


def test_a_file_edited_while_finfix_runs_gets_no_answers_cached(tmp_path, monkeypatch, capsys):
    """Contents are hashed first and read again for the probe copy (holding them cost pandas' run 23 MB):
    a file that changed in between would have its answers cached under contents the checker never saw."""
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    _fake(monkeypatch, "print('{\"reveals\": []}')")
    runs = Runs(monkeypatch)
    real_read = checker.read_regular_or_none
    edited = sorted(root.rglob("*.py"))[0]
    reads = []

    def read_then_edit(path, *args):
        raw = real_read(path, *args)
        if Path(path) == edited:
            reads.append(path)
            if len(reads) == 2:  # the second read is the probe copy's
                return raw + b"\n# edited meanwhile\n"
        return raw

    monkeypatch.setattr(checker, "read_regular_or_none", read_then_edit)
    assert infer_types(root, [], _queries(root)) == {}
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "changed while finfix ran" in err
    assert runs.count == 0 and not list((root / checker_cache.DIR).glob("*.json"))


def test_a_hanging_checker_is_killed_at_the_timeout(tmp_path, monkeypatch, capsys):
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    _fake(monkeypatch, "import time; time.sleep(60)")
    monkeypatch.setenv("FINFIX_CHECKER_TIMEOUT", "1")
    start = time.monotonic()
    assert infer_types(root, [], _queries(root)) == {}
    assert time.monotonic() - start < 15
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did not finish within 1s" in err


def test_keys_use_the_path_as_the_caller_gave_it(cold, monkeypatch):
    root, answers = cold
    monkeypatch.chdir(root)
    rel = Path("quantlab/model.py")
    got = infer_types(Path("."), [], {rel: [(7, 21, 7, 38)]})
    assert got == {("quantlab/model.py", 7, 21): answers[(str(root / rel), 7, 21)]}


def test_queries_outside_the_project_or_out_of_range_get_no_answer(cold, tmp_path):
    root, _ = cold
    stray = tmp_path / "stray.py"
    stray.write_text("x = 1\n")
    model = root / "quantlab/model.py"
    assert infer_types(root, [], {stray: [(1, 0, 1, 1)], model: [(999, 0, 999, 3)]}) == {}


def test_a_package_directory_as_root_keeps_its_relative_imports(cold, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(cold[0], root)
    pkg = root / "quantlab"
    answers = infer_types(pkg, [], {pkg / "model.py": [(7, 21, 7, 38)]})
    assert answers == {(str(pkg / "model.py"), 7, 21): "pandas.core.frame.DataFrame"}


# --- the probe copy ---------------------------------------------------------------------------------------

def test_wrapping_nests_and_maps_every_wrapper_back_to_its_span():
    src = "x = df.close.values + a.b\n"
    probe = wrap(src, [(1, 4, 1, 12), (1, 4, 1, 19), (1, 22, 1, 25)])
    assert probe.text == "x = reveal_type(reveal_type(df.close).values) + reveal_type(a.b)\n"
    # The checker reports each wrapper at its argument's first column.
    assert probe.where == {(1, 16): (1, 4, 1, 19), (1, 28): (1, 4, 1, 12), (1, 60): (1, 22, 1, 25)}
    line = probe.text.splitlines()[0]
    assert line[16:].startswith("reveal_type(df.close).values)")
    assert line[28:].startswith("df.close)") and line[60:] == "a.b)"


def test_a_span_that_cannot_be_wrapped_gets_no_answer_and_spares_the_others():
    src = "df.values = 1\ny = df.values\n"
    probe = wrap(src, [(1, 0, 1, 2), (1, 0, 1, 9), (2, 4, 2, 13)])
    # `reveal_type(df.values) = 1` is not Python; the store target is left out, the rest kept.
    assert probe.text == "reveal_type(df).values = 1\ny = reveal_type(df.values)\n"
    assert sorted(probe.where.values()) == [(1, 0, 1, 2), (2, 4, 2, 13)]


def test_multiline_spans_keep_every_line_number():
    src = "y = f(\n    a,\n    b,\n)\nz = 1\n"
    probe = wrap(src, [(1, 4, 4, 1)])
    assert probe.text.count("\n") == src.count("\n")
    assert probe.text.startswith("y = reveal_type(f(") and probe.text.splitlines()[3] == "))"


def test_ctrl_c_while_the_checker_runs_kills_it(tmp_path, monkeypatch):
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    _fake(monkeypatch, "import time; time.sleep(60)")
    started = []

    class Interrupted(subprocess.Popen):
        def communicate(self, *args, timeout=None, **kwargs):
            if not started:
                started.append(self)
                raise KeyboardInterrupt
            return super().communicate(*args, timeout=timeout, **kwargs)

    monkeypatch.setattr(checker.subprocess, "Popen", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        infer_types(root, [], _queries(root))
    assert started and started[0].poll() is not None  # killed, not left running
