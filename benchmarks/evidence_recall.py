"""How much of real code the evidence service lets finfix fix (issue 13), and what evidence costs.

    python benchmarks/evidence_recall.py /work/corpora/src/ffn /work/corpora/src/bt ...
    python benchmarks/evidence_recall.py --sample 40 --time PKG...   # + fixes to read by hand, + timing
    python benchmarks/evidence_recall.py --labels /work/corpora/src/*  # scored on benchmarks/evidence_labels.tsv
    python benchmarks/evidence_recall.py --set tuning                 # the 10 packages evidence is tuned on
    python benchmarks/evidence_recall.py --set held-out --corpus /work/corpora/src --corpus DOWNLOADS

For each package (a directory of sources), in one process: gather the project facts (timed), run every
built-in rule with unsafe fixes and a probe that asks the evidence service about every `.values` receiver,
then count, per package and in total:

* `.values` uses (attribute reads, not `.values()` calls): not pandas (proven list/dict/ndarray/user
  class/another library), pandas (proven or inferred, by evidence source), unknown (reported or silent).
  "Fixable" = pandas / (pandas + unknown): unknowns count against recall, whatever they really are;
* `inplace=True` calls of pandas' in-place methods: fixable (a fix of any safety) / all;
* `distplot` calls: fixed / all; `.iteritems()` / `.applymap()` method calls whose receiver is not proven
  non-pandas (a dict's py2 `.iteritems()` is right to be silent): reported / silent;

and with ``--time``, evidence time as a share of a cold ``finfix check --no-cache --jobs 2`` (a subprocess,
wall clock). ``--sample N`` prints N random applied fixes with their line before and after.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import libcst as cst  # noqa: E402

from finfix.codemods import BUILTIN  # noqa: E402
from finfix.codemods.pandas.inplace import METHODS  # noqa: E402
from finfix.engine.core import process_source  # noqa: E402
from finfix.project.gather import gather  # noqa: E402
from finfix.project.sources import checker_answers, observed_types  # noqa: E402
from finfix.results import Safety, Settings  # noqa: E402
from finfix.sdk.names import short_code  # noqa: E402
from finfix.sdk.pandas_types import Kind, PandasRule  # noqa: E402
from finfix.sdk.rule import Rule  # noqa: E402

PROBED: list[tuple[str, int, int, str, object]] = []
#: (path, line) -> the evidence about the receiver of `.iteritems()` / `.applymap()` calls on that line.
CALLED: dict[tuple[str, int], list] = {}


class Probe(PandasRule, Rule):
    """Asks the evidence service about every `.values` receiver; reports nothing."""

    code, name, summary, safety = "FX999", "probe", "", Safety.DETECT

    def visit_Attribute(self, node: cst.Attribute) -> None:
        parent = self.types.parent(node)
        if node.attr.value in ("iteritems", "applymap") and isinstance(parent, cst.Call) and parent.func is node:
            pos = self.types.position(node)
            CALLED.setdefault((self.session.path, pos[0]), []).append(self.types.infer(node.value))
        if node.attr.value != "values":
            return
        if isinstance(parent, cst.Call) and parent.func is node:
            return
        pos = self.types.position(node)
        typed = self.types.infer(node.value)
        if typed.kind is None:
            own = self.types.infer(node)  # `self.values` of a class that defines `values` itself (vectorbt, bt)
            if own.kind is Kind.NOT:
                typed = own
        PROBED.append((self.session.path, pos[0], pos[1], short_code(node.value), typed))


def source_of(why: str) -> str:
    for needle, source in (("the docstring of", "docstring"), ("` holds;", "predicate"), ("` exits", "guard"),
                           ("every call site", "call-sites"), ("in the class", "attribute"),
                           ("returned by", "return"), ("also used as", "duck"), ("seen at run time", "observed"),
                           ("type checker", "checker"), ("list of columns", "list-key")):
        if needle in why:
            return source
    return "file"


LABELS = Path(__file__).with_name("evidence_labels.tsv")

#: The corpus split (issue 13): evidence is tuned on these packages of /work/corpora/src only ...
TUNING = ("alphalens_reloaded", "arch", "bt", "pyfolio_reloaded", "pyportfolioopt", "quantstats", "riskfolio_lib",
          "stockstats", "vectorbt", "zipline_reloaded")
#: ... and measured, never tuned, on the other six, plus three packages downloaded for the held-out set
#: (`pip download --no-deps finquant qstrader yfinance`, unzipped side by side): their misses are not read.
HELD_OUT = ("backtrader", "empyrical_reloaded", "ffn", "finta", "mplfinance", "ta", "finquant", "qstrader", "yfinance")


def score_labels(path: Path, dump: list[str]) -> None:
    """Recall (fixable / labelled pandas) and precision (no fix of a labelled non-pandas site) on hand labels."""
    verdicts = {row.split("\t")[0]: row.split("\t") for row in dump}
    labelled = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith(("#", "site\t"))]
    outcome: Counter[str] = Counter()
    for site, _recv, label, _proof in labelled:
        row = verdicts.get(site)
        if row is None:
            outcome[f"{label} not measured (package not given or site moved)"] += 1
            continue
        verdict, action, source = row[2], row[3], row[4]
        outcome[label] += 1
        if label == "pandas":
            outcome[f"pandas {action}"] += 1
            if action == "fixable":
                outcome[f"pandas fixable via {source}"] += 1
        elif label == "not":
            outcome[f"not {action}"] += 1
            if action == "fixable":
                print(f"  WRONG FIX: {site} is labelled not pandas: {row[5]}", file=sys.stderr)
    pandas = outcome["pandas"]
    print(f"\nLABELS ({path.name}): {pandas} pandas, {outcome['not']} not pandas, {outcome['unclear']} unclear")
    print(f"  recall: {outcome['pandas fixable']}/{pandas} pandas sites fixable "
          f"({100 * outcome['pandas fixable'] / max(1, pandas):.0f}%); reported {outcome['pandas reported']}, "
          f"silent {outcome['pandas silent']}")
    for key in sorted(k for k in outcome if k.startswith("pandas fixable via")):
        print(f"    {key[len('pandas fixable via '):]}: {outcome[key]}")
    print(f"  precision: {outcome['not fixable']} fixes of {outcome['not']} non-pandas sites "
          f"({'100%' if not outcome['not fixable'] else 'WRONG FIXES'})")
    for key in sorted(k for k in outcome if "not measured" in k):
        print(f"  {key}: {outcome[key]}")


def python_files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.py") if ".dist-info" not in str(p) and "/docs/" not in str(p))


def _drop_checker_cache(root: Path) -> None:
    """The checker's answers are cached under the project (`.finfix_cache/checker/`): a cold run has none."""
    shutil.rmtree(root / ".finfix_cache" / "checker", ignore_errors=True)


def measure(root: Path, sample: list, timing: bool, use_checker: bool = True, dump: list | None = None) -> dict:
    files = python_files(root)
    checker_s = 0.0

    def timed_checker(where: str, queries: dict) -> dict:
        nonlocal checker_s
        begin = time.perf_counter()
        try:
            return checker_answers(where, queries)
        finally:
            checker_s += time.perf_counter() - begin

    _drop_checker_cache(root)
    start = time.perf_counter()
    # The same call `finfix check` makes (finfix.project.evidence_for), with the checker timed on its own.
    facts = gather(files, root, checker=timed_checker if use_checker else None, observed=observed_types(root))
    gather_s = time.perf_counter() - start
    settings = Settings(fix=True, unsafe_fixes=True, project=facts)
    PROBED.clear()
    CALLED.clear()
    findings = defaultdict(list)
    for path in files:
        raw = Path(path).read_bytes()
        result = process_source(path, raw, (Probe, *BUILTIN), settings)  # the probe sees the file as read
        lines = raw.decode("utf-8", "replace").splitlines()
        new_lines = (result.new or raw).decode("utf-8", "replace").splitlines()
        for f in result.findings:
            findings[(path, f.line)].append(f)
            if f.applied and f.code in ("FX201", "FX202", "FX203", "FX204", "FX205", "FX216", "FX301"):
                sample.append((path, f, lines[f.line - 1].strip(), new_lines))
    counts: Counter[str] = Counter()
    for path, line, col, code, typed in PROBED:
        fx202 = [f for f in findings.get((path, line), []) if f.code == "FX202"]
        if dump is not None:
            verdict = "not" if typed.foreign or (typed.kind is not None and not typed.is_pandas) else (
                "pandas" if typed.kind is not None else "unknown")
            fixable = any(f.fixable for f in fx202)
            detail = typed.why if typed.kind is not None else typed.settle
            dump.append("\t".join([f"{root.name}/{os.path.relpath(path, root)}:{line}:{col}", code, verdict,
                                    "fixable" if fixable else ("reported" if fx202 else "silent"),
                                    source_of(typed.why) if verdict == "pandas" else "", detail[:160]]))
        if typed.foreign or (typed.kind is not None and not typed.is_pandas):
            counts["values not pandas"] += 1
        elif typed.kind is not None:
            counts["values pandas"] += 1
            counts[f"values pandas via {source_of(typed.why)} ({typed.level.value})"] += 1
            counts["values fixable"] += any(f.fixable for f in fx202)
        else:
            counts["values unknown"] += 1
            counts["values unknown reported"] += bool(fx202)
    for path in files:
        try:
            tree = ast.parse(Path(path).read_bytes())
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            here = findings.get((path, node.lineno), [])
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            inplace = any(k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value is True
                          for k in node.keywords)
            if inplace and name in METHODS:
                counts["inplace"] += 1
                counts["inplace fixable"] += any(f.code == "FX201" and f.fixable for f in here)
            if name == "distplot":
                counts["distplot"] += 1
                counts["distplot fixed"] += any(f.code == "FX301" and f.applied for f in here)
            if name in ("iteritems", "applymap") and isinstance(node.func, ast.Attribute):
                # A method call (not backtrader's `iteritems(d)` helper) whose receiver is not proven to be a
                # dict, list or another library's object: FX216/FX205 must say something.
                receivers = CALLED.get((path, node.lineno), [])
                if receivers and all(t.foreign or (t.kind is not None and not t.is_pandas) for t in receivers):
                    counts[f"{name} not pandas"] += 1
                    continue
                counts[name] += 1
                if not here:
                    counts[f"{name} silent"] += 1
                    print(f"  silent {name}: {os.path.relpath(path, root)}:{node.lineno}", file=sys.stderr)
    counts["gather ms"] = round(gather_s * 1000)
    counts["checker ms"] = round(checker_s * 1000)
    counts["lines"] = sum(len(Path(p).read_bytes().splitlines()) for p in files)
    if timing:
        env = dict(os.environ)
        if not use_checker:
            env["FINFIX_CHECKER"] = "off"
        _drop_checker_cache(root)  # cold: the checker runs again, as on a first `check`
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "finfix.cli", "check", "--no-cache", "--jobs", "2", str(root)],
                       capture_output=True, env=env, cwd=root)
        counts["cold check ms"] = round((time.perf_counter() - start) * 1000)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("packages", nargs="*", type=Path)
    ap.add_argument("--set", choices=("tuning", "held-out"), help="the packages of one side of the corpus split")
    ap.add_argument("--corpus", type=Path, action="append", default=[],
                    help="where --set looks for packages (repeatable; default /work/corpora/src)")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--dump", type=Path, help="write every `.values` site with its verdict (TSV) here")
    # A flag, not an optional path: `--labels /work/corpora/src/*` once took the first package as the labels file.
    ap.add_argument("--labels", action="store_true",
                    help="score against hand labels (--labels-file): recall and precision per source")
    ap.add_argument("--labels-file", type=Path, default=LABELS, help=f"the hand labels (default {LABELS.name})")
    ap.add_argument("--no-checker", action="store_true", help="leave the type checker out (FINFIX_CHECKER=off)")
    args = ap.parse_args()
    if args.set:
        names = TUNING if args.set == "tuning" else HELD_OUT
        roots = args.corpus or [Path("/work/corpora/src")]
        found = {name: root / name for root in roots for name in names if (root / name).is_dir()}
        missing = [n for n in names if n not in found]
        if missing:
            ap.error(f"--set {args.set}: not found under {', '.join(map(str, roots))}: {', '.join(missing)}")
        args.packages = [*args.packages, *(found[n] for n in names)]
    if not args.packages:
        ap.error("give packages or --set")
    total: Counter[str] = Counter()
    sample: list = []
    dump: list[str] | None = [] if args.dump or args.labels else None
    for pkg in args.packages:
        before = len(dump or [])
        counts = measure(pkg.resolve(), sample, args.time, not args.no_checker, dump)
        total.update(counts)
        if args.dump:  # package by package: a long run that stops still leaves what it measured
            with args.dump.open("a" if before else "w", encoding="utf-8") as out:
                out.write("".join(row + "\n" for row in (dump or [])[before:]))
        pandas, unknown = counts["values pandas"], counts["values unknown"]
        share = (f", evidence {counts['gather ms']} ms (checker {counts['checker ms']} ms) of a "
                 f"{counts['cold check ms']} ms cold check") if args.time else ""
        print(f"{pkg.name}: {counts['lines']} lines; .values pandas {pandas} (fixable {counts['values fixable']}), "
              f"unknown {unknown} (reported {counts['values unknown reported']}), not pandas "
              f"{counts['values not pandas']}; inplace {counts['inplace fixable']}/{counts['inplace']}; "
              f"distplot {counts['distplot fixed']}/{counts['distplot']}; iteritems silent "
              f"{counts['iteritems silent']}/{counts['iteritems']}; applymap silent "
              f"{counts['applymap silent']}/{counts['applymap']}{share}")
    if args.labels:
        score_labels(args.labels_file, dump or [])
    pandas, unknown = total["values pandas"], total["values unknown"]
    print("\nTOTAL", total["lines"], "lines")
    print(f"  .values: {total['values fixable']} fixable of {pandas + unknown} not proven non-pandas "
          f"({100 * total['values fixable'] / max(1, pandas + unknown):.0f}%); {total['values not pandas']} proven "
          f"not pandas; {unknown} unknown ({total['values unknown reported']} reported)")
    for key in sorted(k for k in total if k.startswith("values pandas via")):
        print(f"    {key[len('values pandas via '):]}: {total[key]}")
    print(f"  inplace=True: {total['inplace fixable']}/{total['inplace']} fixable "
          f"({100 * total['inplace fixable'] / max(1, total['inplace']):.0f}%)")
    print(f"  distplot: {total['distplot fixed']}/{total['distplot']} fixed")
    print(f"  iteritems: {total['iteritems silent']} silent of {total['iteritems']} "
          f"(+{total['iteritems not pandas']} on proven non-pandas receivers); "
          f"applymap: {total['applymap silent']} silent of {total['applymap']} "
          f"(+{total['applymap not pandas']} on proven non-pandas receivers)")
    if args.time:
        print(f"  evidence time: {total['gather ms']} ms (of which checker {total['checker ms']} ms) of "
              f"{total['cold check ms']} ms cold checks ({100 * total['gather ms'] / max(1, total['cold check ms']):.0f}%)")
    if args.sample:
        random.seed(args.seed)
        print(f"\nSAMPLE of {args.sample} applied fixes (of {len(sample)}):")
        for path, f, before, new_lines in random.sample(sample, min(args.sample, len(sample))):
            print(f"--- {path}:{f.line} {f.code} [{f.fix.value}] {f.message[:150]}\n    - {before}")
            window = [ln.strip() for ln in new_lines[max(0, f.line - 2): f.line + 1]]
            print("    + " + " | ".join(window))


if __name__ == "__main__":
    main()
