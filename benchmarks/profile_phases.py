"""Where finfix's time goes, per phase and per rule, in one process (no pool, no cache).

    python benchmarks/profile_phases.py                  # every 10th file of the installed pandas
    python benchmarks/profile_phases.py --every 1 PATH   # every file under PATH

Prints: files read, files parsed, seconds in the pre-checks, the ast stage (rules' ``ast_trigger``), the LibCST parse, the metadata pass and
each rule's walk (and the metadata its queries computed), and how many files each rule's pre-checks let
through. ``--no-ast-stage`` shows the same without the ast stage; ``--all-rules`` adds the opt-in rules. Use it to see which rule to make
cheaper next; bench_speed.py is the one that compares with other tools.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from dataclasses import replace
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import libcst as cst  # noqa: E402
from libcst.metadata import MetadataWrapper  # noqa: E402

from finfix import registry  # noqa: E402
from finfix.engine.core import FileSession, Settings, decode  # noqa: E402
from finfix.engine.fastwalk import fast_visits, transform  # noqa: E402
from finfix.engine.metadata import on_demand  # noqa: E402
from finfix.sdk.ast_triggers import narrow  # noqa: E402


metadata_by_rule: Counter[str] = Counter()
current_rule = [""]
_resolve = MetadataWrapper.resolve_many
_depth = [0]


def _timed_resolve(self, providers):  # type: ignore[no-untyped-def]
    """Metadata is computed on demand inside rule walks: charge it to "metadata", not to the rule."""
    _depth[0] += 1
    t = time.perf_counter()
    try:
        return _resolve(self, providers)
    finally:
        _depth[0] -= 1
        if not _depth[0]:
            dt = time.perf_counter() - t
            metadata_by_rule[current_rule[0]] += dt
            SECS["metadata (on demand)"] += dt


MetadataWrapper.resolve_many = _timed_resolve  # type: ignore[method-assign]
SECS: Counter[str] = Counter()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--all-rules", action="store_true", help="also the opt-in rules (default: what `check` runs)")
    ap.add_argument("--no-ast-stage", action="store_true", help="LibCST for every file the text pre-checks pass")
    args = ap.parse_args(argv)
    roots = args.paths or [Path(importlib.util.find_spec("pandas").submodule_search_locations[0])]
    files = sorted(p for r in roots for p in (r.rglob("*.py") if r.is_dir() else [r]))[:: args.every]
    rules = registry.all_rules() if args.all_rules else registry.select()
    settings = Settings(fix=True, unsafe_fixes=True)
    secs = SECS
    let_through: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    meta_of: Counter[str] = Counter()  # metadata seconds, by the rule whose query computed it
    lines = parsed_lines = parsed = 0
    for path in files:
        t0 = time.perf_counter()
        text = decode(path.read_bytes()).text
        lines += text.count("\n")
        runnable = [r for r in rules if r.applies_to(text)]
        t1 = time.perf_counter()
        secs["read + pre-checks"] += t1 - t0
        if runnable and not args.no_ast_stage:
            runnable = narrow(runnable, text, settings.project)
            t1b = time.perf_counter()
            secs["ast stage"] += t1b - t1
            t1 = t1b
        if not runnable:
            continue
        parsed += 1
        parsed_lines += text.count("\n")
        try:
            tree = cst.parse_module(text)
        except cst.ParserSyntaxError:
            continue
        t2 = time.perf_counter()
        secs["parse"] += t2 - t1
        session = FileSession(str(path), text, settings)
        session.start_rule(tree)
        by_rule: dict[str, float] = defaultdict(float)
        for rule_cls in runnable:
            let_through[rule_cls.code] += 1
            current_rule[0] = rule_cls.code
            t = time.perf_counter()
            before = len(session.findings)
            rule = rule_cls(session)
            with fast_visits():
                if rule.get_inherited_dependencies():
                    rule.context = replace(session.context, wrapper=session.wrapper())
                    with on_demand(rule, session.wrapper()):
                        transform(tree, rule)
                else:
                    transform(tree, rule)
            by_rule[rule_cls.code] += time.perf_counter() - t
            if len(session.findings) > before:
                fired[rule_cls.code] += 1
        for code, s in by_rule.items():
            meta = metadata_by_rule.pop(code, 0.0)
            secs[f"rule {code}"] += s - meta
            meta_of[code] += meta
    total = sum(secs.values())
    print(f"{len(files)} files, {lines:,} lines; parsed {parsed} files, {parsed_lines:,} lines")
    print(f"{'phase':<22}{'seconds':>9}{'share':>7}{'files in':>10}{'fired':>7}{'metadata s':>11}")
    for name, s in secs.most_common():
        code = name.removeprefix("rule ")
        extra = f"{let_through[code]:>10}{fired[code]:>7}{meta_of[code]:11.2f}" if name.startswith("rule ") else ""
        print(f"{name:<22}{s:9.2f}{s / total:7.0%}{extra}")
    print(f"{'total':<22}{total:9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
