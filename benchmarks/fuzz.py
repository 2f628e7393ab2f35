"""Fuzz every rule with hypothesmith-generated programs (thousands of them; the test suite runs a few).

Each program, alone and spliced with a rule's example (so rules actually fire), goes through the engine
with all rules and unsafe fixes: the output must parse, a second run must change nothing, and a program
with no finding must come out byte-identical. A rule crash is an internal error and also a failure.

    python benchmarks/fuzz.py --examples 2000
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import hypothesmith  # noqa: E402
from hypothesis import HealthCheck, Phase, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from finfix import registry  # noqa: E402
from finfix.engine.core import Settings, process_source  # noqa: E402

RULES = registry.all_rules()
SNIPPETS = [ex.before for r in RULES for ex in r.examples]
FIX = Settings(fix=True, unsafe_fixes=True)


def programs() -> st.SearchStrategy[str]:
    """Generated programs, alone or with a rule example before or after them."""
    generated = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())
    spliced = st.tuples(st.sampled_from(SNIPPETS), generated, st.booleans()).map(
        lambda t: (t[0] + "\n" + t[1]) if t[2] else (t[1].rstrip("\n") + "\n" + t[0])
    )
    return st.one_of(generated, spliced, st.sampled_from(SNIPPETS))


def check_program(source: str) -> None:
    """Raise AssertionError (with the reason) if the engine mishandles ``source``."""
    raw = source.encode("utf-8", "surrogatepass")
    first = process_source("fuzz.py", raw, RULES, FIX)
    assert not first.internal, f"internal error: {first.error}"
    assume(first.error is None)  # the generator's code that CPython/LibCST refuse is not interesting
    if not first.findings:
        assert first.new is None or first.new == raw, "no finding, yet the bytes changed"
        return
    if not first.changed:
        return
    new = first.new or b""
    ast.parse(new)  # raises SyntaxError: the output does not parse
    second = process_source("fuzz.py", new, RULES, FIX)
    assert not second.internal, f"second run: internal error: {second.error}"
    assert not second.changed, "not idempotent: a second run changed the output again"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--save", type=Path, default=Path("fuzz-failures"), help="where failing programs are written")
    ap.add_argument("--shrink", action="store_true", help="let Hypothesis shrink a failure (can take long)")
    args = ap.parse_args(argv)
    failures: list[str] = []

    phases = list(Phase) if args.shrink else [Phase.explicit, Phase.generate]

    @settings(max_examples=args.examples, deadline=None, database=None, derandomize=args.seed is None,
              suppress_health_check=list(HealthCheck), phases=phases)
    @given(programs())
    def run(source: str) -> None:
        try:
            check_program(source)
        except AssertionError as exc:
            args.save.mkdir(parents=True, exist_ok=True)
            out = args.save / f"failure-{len(failures) + 1}.py"
            out.write_text(source, encoding="utf-8", errors="surrogatepass")
            failures.append(f"{out}: {exc}")
            print(f"FAILURE {out}: {exc}", flush=True)
            raise

    print(f"{len(RULES)} rules, {len(SNIPPETS)} example snippets, {args.examples} programs", flush=True)
    try:
        run()
    except Exception as exc:  # hypothesis prints the minimal failing example above
        print(f"FAILED: {type(exc).__name__}: {exc}")
        return 1
    print("ok: every output parsed, every fix idempotent, no finding -> byte-identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
