"""One file in, one :class:`FileResult` out.

The engine decodes the file (keeping its encoding, BOM and newlines), parses it once with LibCST, runs
the selected rules in their fixed order on the tree, applies queued import edits last, and checks that
the new source still parses. It never prints and never writes: the caller does that.
"""

from __future__ import annotations

import ast
import difflib
import io
import os
import re
import sys
import tokenize
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator, Mapping, Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper

from finfix.engine.fastwalk import fast_visits, transform
from finfix.engine.heap import large_parse, release_free_memory
from finfix.engine.reparse import reusing, wrapper_for
from finfix.engine.linemap import LineMap
from finfix.engine.reading import NotReadable, content_hash, read_regular
from finfix.engine.metadata import on_demand
from finfix.engine.positions import positions
from finfix.results import FileResult, Finding, Safety, Settings
from finfix.sdk.ast_triggers import narrow
from finfix.sdk.import_order import add_member, first_block, insert_import
from finfix.sdk.names import code_of
from finfix.sdk.rule import Rule


class SourceError(Exception):
    """The file cannot be decoded or parsed; the message is one line for the user."""


_SUPPRESS = re.compile(r"#\s*finfix:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
#: flake8 / ruff `noqa` comments: bare (every rule) or followed by `: CODE, CODE`.
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
#: Codes of the same checks in other linters, so code annotated for them is respected.
PEER_CODES = {
    "B006": "FX101", "PD002": "FX201", "PD011": "FX202", "NPY201": "FX401", "NPY001": "FX402",
    "S110": "FX102", "DTZ003": "FX103", "DTZ004": "FX103",
}


@dataclass
class Decoded:
    text: str
    encoding: str  # "utf-8-sig" when the file has a BOM, so encoding puts it back


def decode(raw: bytes) -> Decoded:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:  # bad or unknown coding cookie, or bytes that are not UTF-8 in lines 1-2
        message = exc.msg if hasattr(exc, "msg") else str(exc)
        if message.startswith("invalid or missing encoding declaration"):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as err:  # say what is wrong: usually not a declaration problem
                raise SourceError(
                    f"cannot decode as utf-8 (no encoding declaration): invalid byte "
                    f"{raw[err.start:err.start + 1]!r} at offset {err.start}"
                ) from None
        raise SourceError(f"cannot decode: {message}") from None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"cannot decode as {encoding}: invalid byte {raw[exc.start:exc.start + 1]!r} at offset {exc.start}"
        ) from None
    if "\0" in text:
        raise SourceError("source contains NUL bytes")
    return Decoded(text, encoding)


def parse(text: str) -> cst.Module:
    """LibCST's tree of ``text``. Raises SourceError."""
    # CPython's parser first: it rejects, with a plain SyntaxError, inputs that crash LibCST's native
    # parser (5,000 nested parentheses end the process with SIGSEGV), and it is cheap next to LibCST's.
    python_tree(text)
    return _libcst_tree(text)


def _libcst_tree(text: str) -> cst.Module:
    """LibCST's tree of ``text``, which CPython has already parsed (``python_tree``)."""
    return reusing("libcst", text, _parse_libcst)


def _parse_libcst(text: str) -> cst.Module:
    try:
        with large_parse(len(text)):
            tree = cst.parse_module(text)
        return tree
    except cst.ParserSyntaxError as exc:
        raise SourceError(_syntax_error_message(text, exc)) from None
    except (RecursionError, MemoryError) as exc:
        raise SourceError(f"cannot parse: {type(exc).__name__}") from None


def python_tree(text: str) -> ast.Module:
    """CPython's tree of ``text``; SourceError when CPython cannot parse it (cheap next to LibCST)."""
    return reusing("ast", text, _parse_python)


def _parse_python(text: str) -> ast.Module:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc.: not the engine's business
            return ast.parse(text)
    except SyntaxError as err:
        raise SourceError(f"syntax error at line {err.lineno}, column {err.offset}: {err.msg}") from None
    except RecursionError:
        raise SourceError("nested too deeply for Python's own parser (RecursionError); file left unchanged") from None
    except MemoryError:
        raise SourceError("cannot parse: out of memory; file left unchanged") from None
    except ValueError as err:
        raise SourceError(f"cannot parse: {err}") from None


def _syntax_error_message(text: str, exc: cst.ParserSyntaxError) -> str:
    # CPython's own message is the one users know; LibCST's is the fallback.
    try:
        ast.parse(text)
    except SyntaxError as err:
        return f"syntax error at line {err.lineno}, column {err.offset}: {err.msg}"
    except (ValueError, RecursionError, MemoryError) as err:
        return f"cannot parse: {err}"
    first = str(exc.message).splitlines()[0] if exc.message else "parse error"
    return f"LibCST cannot parse this file (line {exc.editor_line}): {first}"


_AS_NAME = re.compile(r"\bas\s+([^\W\d]\w*)")


class FileSession:
    """The state shared by the rules that run on one file."""

    def __init__(self, path: str, text: str, settings: Settings) -> None:
        self.path = path
        self.settings = settings
        self.context = CodemodContext(filename=path)
        self.findings: list[Finding] = []
        self.current_tree: cst.Module = cst.Module(body=[])
        self._current_lines: list[str] = text.splitlines()
        self._original_lines = self._current_lines
        self._positions: Mapping[cst.CSTNode, Any] | None = None
        self._wrapper: MetadataWrapper | None = None
        self._to_original = LineMap.identity()
        self._text = text
        self._as_names: frozenset[str] | None = None

    # -- called by the engine between rules ---------------------------------------------------
    def start_rule(self, tree: cst.Module) -> None:
        self.current_tree = tree
        self._positions = None

    def wrapper(self) -> MetadataWrapper:
        """The metadata wrapper of the current tree, kept while rules leave the tree unchanged."""
        if self._wrapper is None or self._wrapper.module is not self.current_tree:
            self._wrapper = wrapper_for(self.current_tree, lambda tree: MetadataWrapper(tree, unsafe_skip_copy=True))
        return self._wrapper

    def drop_trees(self) -> None:
        """Let the trees and their metadata go (the findings keep only plain values)."""
        self.current_tree = cst.Module(body=[])
        self._wrapper = None
        self._positions = None

    def tree_changed(self, old_code: str, new_code: str) -> None:
        """Keep line numbers pointing into the file as read, whatever earlier rules inserted."""
        step = LineMap.between(new_code.splitlines(), old_code.splitlines())
        self._to_original = step.then(self._to_original)
        self._current_lines = new_code.splitlines()
        self._text = new_code
        self._as_names = None

    @property
    def as_names(self) -> frozenset[str]:
        """Every name the current source binds with ``as`` (imports, but also ``with``/``except``).

        Rules test it before asking for qualified names: a bare name that is neither the leaf they
        look for nor in this set cannot be an import of it (see `names.may_resolve_to`).
        """
        if self._as_names is None:
            self._as_names = frozenset(_AS_NAME.findall(self._text))
        return self._as_names

    # -- called by rules --------------------------------------------------------------------------
    def options_for(self, rule: Rule) -> Mapping[str, Any]:
        given = self.settings.rule_options.get(rule.code, {})
        if not given:
            return given
        # config keys arrive kebab-case; give them back under the spelling the rule declared
        declared = {k.replace("_", "-"): k for k in rule.options}
        return {declared.get(k.replace("_", "-"), k): v for k, v in given.items()}

    def is_suppressed(self, rule: Rule, node: cst.CSTNode) -> bool:
        start, end = self._position(node)
        return self._suppressed(rule.code, start.line, end.line)

    def _fix_allowed(self, fix: Safety) -> bool:
        return self.settings.fix and fix is not Safety.DETECT and (fix is Safety.SAFE or self.settings.unsafe_fixes)

    def report(
        self, rule: Rule, node: cst.CSTNode, message: str, *, fix: Safety, reason: str, witness: str = ""
    ) -> bool:
        start, end = self._position(node)
        line = self._to_original(start.line)
        suppressed = self._suppressed(rule.code, start.line, end.line)
        if suppressed:
            return False
        col = self._column(start.line, line, start.column) + 1
        only = self.settings.fix_only
        apply = self._fix_allowed(fix) and (only is None or (rule.code, line, col) in only)
        future, held = self.settings.verdicts.get(rule.code, ("", ""))
        if held and fix is not Safety.DETECT:  # the fix would not run on a version the code supports
            apply, fix, reason = False, Safety.DETECT, held
        end_line = self._to_original(end.line)
        self.findings.append(
            Finding(
                path=self.path,
                line=line,
                col=col,
                code=rule.code,
                name=rule.name,
                message=message,
                fix=fix,
                reason=reason,
                applied=apply,
                end_line=end_line,
                end_col=self._column(end.line, end_line, end.column) + 1,
                witness=witness,
                future=future,
            )
        )
        return apply

    # -- internals ------------------------------------------------------------------------------
    def _position(self, node: cst.CSTNode) -> tuple[Any, Any]:
        if self._positions is None:
            self._positions = positions(self.wrapper())
        try:
            rng = self._positions[node]
        except KeyError:  # a node the rule built itself: no position, point at the file's start
            rng = _NOWHERE
        end = rng.end
        if isinstance(node, cst.Param):  # LibCST's range of a parameter covers only its name
            last = node.default if node.default is not None else node.annotation
            if last is not None and last in self._positions:
                end = self._positions[last].end
        return rng.start, end

    def _column(self, current_line: int, original_line: int, column: int) -> int:
        """A 0-based column of a line of the current text, moved onto the line as read, in case an
        earlier rule edited that line (`np.float_` -> `np.float64` shifts what follows)."""
        if self._current_lines is self._original_lines:
            return column
        try:
            cur = self._current_lines[current_line - 1]
            orig = self._original_lines[original_line - 1]
        except IndexError:
            return column
        if cur == orig:
            return column
        for tag, i1, _i2, j1, j2 in difflib.SequenceMatcher(None, orig, cur, autojunk=False).get_opcodes():
            if j1 <= column < j2 or column == j2 == len(cur):
                return i1 + (column - j1) if tag == "equal" else i1
        return min(column, len(orig))

    def _comments(self) -> dict[int, str]:
        """Line -> comment text of the current code, tokenized once per version of the file."""
        return self._tokens()[0]

    def _signatures(self) -> list[tuple[int, int]]:
        """``(def line, line of the closing ':')`` of every signature spanning several lines."""
        return self._tokens()[1]

    def _tokens(self) -> tuple[dict[int, str], list[tuple[int, int]]]:
        if getattr(self, "_token_cache", None) is None or self._token_cache[0] is not self._current_lines:
            comments: dict[int, str] = {}
            signatures: list[tuple[int, int]] = []
            open_def: list[int] = []  # the def line, while its signature is read
            depth = 0
            readline = iter(line + "\n" for line in self._current_lines).__next__
            try:
                for tok in tokenize.generate_tokens(readline):
                    if tok.type == tokenize.COMMENT:
                        comments[tok.start[0]] = tok.string
                    elif tok.type == tokenize.NAME and tok.string == "def" and not open_def:
                        open_def, depth = [tok.start[0]], 0
                    elif open_def and tok.type == tokenize.OP:
                        if tok.string in "([{":
                            depth += 1
                        elif tok.string in ")]}":
                            depth -= 1
                        elif tok.string == ":" and depth == 0:
                            if tok.start[0] > open_def[0]:
                                signatures.append((open_def[0], tok.start[0]))
                            open_def = []
            except (tokenize.TokenError, SyntaxError):
                pass  # keep what was read; the file parsed, so this is an edge of the tokenizer
            self._token_cache = (self._current_lines, (comments, signatures))
        return self._token_cache[1]

    def _suppressed(self, code: str, first: int, last: int) -> bool:
        lines = {first, last}
        for def_line, colon_line in self._signatures():  # a comment on `def f(` covers its parameters
            if def_line <= first <= colon_line:
                lines.update((def_line, colon_line))
        comments = self._comments()
        for lineno in lines:
            comment = comments.get(lineno)
            if comment is None:  # no comment there (a marker inside a string is not one)
                continue
            if _comment_suppresses(comment, code):
                return True
        return False


def _comment_suppresses(comment: str, code: str) -> bool:
    code = code.upper()
    for m in _SUPPRESS.finditer(comment):
        codes = m.group("codes")
        if codes is None:
            return True
        if code in {c.strip().upper() for c in codes.split(",") if c.strip()}:
            return True
    for m in _NOQA.finditer(comment):
        codes = m.group("codes")
        if codes is None:
            return True
        named = {c.upper() for c in re.split(r"[,\s]+", codes) if c}
        if code in named or any(PEER_CODES.get(c) == code for c in named):
            return True
    return False


class _Pos:
    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column


class _Range:
    start = _Pos(1, 0)
    end = _Pos(1, 0)


_NOWHERE = _Range()


_DEEP_RECURSION = 20_000


@contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    """Raise the recursion limit for the block (never lower it). Since Python 3.11 calls between
    Python functions do not use the C stack, so a deeper limit cannot crash the interpreter."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def run_rules(
    path: str, text: str, rules: Sequence[type[Rule]], settings: Settings
) -> tuple[str, list[Finding]]:
    """Run ``rules`` on ``text``; return the new text and the findings. Raises SourceError."""
    runnable = [r for r in rules if r.applies_to(text)]
    # CPython parses every file once: a broken file is reported whichever rules the run selects, and
    # the same tree feeds the ast stage, where LibCST parses only files whose code some rule can act on.
    syntax = python_tree(text)
    if runnable:
        runnable = narrow(runnable, syntax, settings.project)
    if not runnable:
        return text, []
    original = tree = _libcst_tree(text)  # CPython's parse of it is `syntax` above
    session = FileSession(path, text, settings)
    code = text
    # Tree walks recurse once per level of nesting; a long implicit string concatenation (one level
    # per piece: CPython's pydoc_data/topics.py) exceeds Python's default limit of 1,000.
    with fast_visits(), _recursion_limit(_DEEP_RECURSION):
        for rule_cls in runnable:
            session.start_rule(tree)
            applied_before = sum(f.applied for f in session.findings)
            rule = rule_cls(session)
            if rule.get_inherited_dependencies():
                wrapper = session.wrapper()  # shared: metadata is computed once per tree, not once per rule
                rule.context = replace(session.context, wrapper=wrapper)
                with on_demand(rule, wrapper):
                    new_tree = transform(tree, rule)
            else:
                new_tree = transform(tree, rule)
            if sum(f.applied for f in session.findings) != applied_before:
                new_code = new_tree.code
                session.tree_changed(code, new_code)
                tree, code = new_tree, new_code
        if any(f.applied for f in session.findings) or _import_edits_queued(session.context):
            tree = _apply_import_edits(tree, session.context)
            new_code = tree.code
            # LibCST reproduces almost every file byte for byte, but not all (lone CR line endings
            # next to blank lines of tabs and spaces): then a fix would also rewrite untouched bytes.
            if original.code != text:
                raise UnfaithfulParse(session.findings)
        else:
            new_code = text  # nothing rewritten: the file as read, without a round trip through LibCST
    del tree, original
    session.drop_trees()
    release_free_memory(len(text))
    return new_code, session.findings


class UnfaithfulParse(Exception):
    """LibCST's tree of the file does not print back to the same bytes; fixes cannot be applied."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("LibCST does not reproduce this file byte for byte (unusual line endings or "
                         "whitespace); fixes not applied, findings still reported")
        self.findings = findings


def _import_edits_queued(context: CodemodContext) -> bool:
    scratch = context.scratch
    return bool(scratch.get(AddImportsVisitor.CONTEXT_KEY) or scratch.get(RemoveImportsVisitor.CONTEXT_KEY))


def _apply_import_edits(tree: cst.Module, context: CodemodContext) -> cst.Module:
    scratch = context.scratch
    requests = scratch.get(AddImportsVisitor.CONTEXT_KEY)
    if requests:
        tree, rest = _add_imports_sorted(tree, requests)
        scratch[AddImportsVisitor.CONTEXT_KEY] = rest
        if rest:  # relative imports: LibCST's placement
            tree = AddImportsVisitor(context).transform_module(tree)
    if scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        tree = RemoveImportsVisitor(context).transform_module(tree)
    return tree


def _add_imports_sorted(tree: cst.Module, requests: Sequence[Any]) -> tuple[cst.Module, list[Any]]:
    """Add the imports fixes asked for where isort / ruff `I001` would put them (see
    `finfix.sdk.import_order`); an import the module already has at its top level is not repeated.
    Returns the new tree and the requests left to LibCST (relative imports)."""
    body = list(tree.body)
    rest: list[Any] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    inserted = False  # a new import line: isort wants a blank line after the block
    for item in requests:
        key = (item.module, item.obj_name, item.alias)
        if key in seen:
            continue
        seen.add(key)
        if item.relative:
            rest.append(item)
            continue
        # only the first import block counts: a late import runs after the code that now needs it
        if _has_import(body[: first_block(body)[1]], item.module, item.obj_name, item.alias):
            continue
        if item.obj_name is None:
            alias = f" as {item.alias}" if item.alias else ""
            insert_import(body, cst.parse_statement(f"import {item.module}{alias}\n"))  # type: ignore[arg-type]
            inserted = True
            continue
        start, end = first_block(body)
        for index in range(start, end):
            stmt = body[index]
            node = stmt.body[0]  # type: ignore[attr-defined]
            if (len(stmt.body) == 1 and isinstance(node, cst.ImportFrom) and not node.relative  # type: ignore[attr-defined]
                    and node.module is not None and code_of(node.module) == item.module
                    and not isinstance(node.names, cst.ImportStar)):
                body[index] = add_member(stmt, item.obj_name, item.alias)  # type: ignore[arg-type]
                break
        else:
            alias = f" as {item.alias}" if item.alias else ""
            stmt = cst.parse_statement(f"from {item.module} import {item.obj_name}{alias}\n")
            insert_import(body, stmt)  # type: ignore[arg-type]
            inserted = True
    if inserted:
        start, end = first_block(body)
        if start < end < len(body) and not body[end].leading_lines:  # isort: a blank line ends the block
            body[end] = body[end].with_changes(leading_lines=[cst.EmptyLine()])
    return tree.with_changes(body=body), rest


def _has_import(body: Sequence[cst.BaseStatement], module: str, obj: str | None, alias: str | None) -> bool:
    for stmt in body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if obj is None and isinstance(small, cst.Import):
                if any(code_of(a.name) == module and (a.evaluated_alias == alias) for a in small.names):
                    return True
            elif obj is not None and isinstance(small, cst.ImportFrom) and not small.relative \
                    and small.module is not None and code_of(small.module) == module:
                if isinstance(small.names, cst.ImportStar):
                    return True
                if any(code_of(a.name) == obj and a.evaluated_alias == alias for a in small.names):
                    return True
    return False


def process_source(
    path: str, raw: bytes, rules: Sequence[type[Rule]], settings: Settings
) -> FileResult:
    """Run the rules on the bytes of one file. Never raises for bad input: it returns an error."""
    try:
        decoded = decode(raw)
        new_text, findings = run_rules(path, decoded.text, rules, settings)
    except SourceError as exc:
        return FileResult(path, old=raw, error=str(exc))
    except UnfaithfulParse as exc:
        return FileResult(path, old=raw, findings=tuple(replace(f, applied=False) for f in exc.findings),
                          error=str(exc))
    except RecursionError:
        return FileResult(path, old=raw, error=f"nested more than {_DEEP_RECURSION:,} levels deep: too deep to "
                          "analyse; file left unchanged")
    except MemoryError:
        return FileResult(path, old=raw, error="out of memory while analysing this file; file left unchanged")
    except Exception as exc:  # a bug in a rule must not stop the run, nor lose the file
        return FileResult(path, old=raw, error=f"internal error: {type(exc).__name__}: {exc}", internal=True)
    if new_text == decoded.text:
        return FileResult(path, old=raw, findings=tuple(findings))
    try:
        ast.parse(new_text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return FileResult(
            path,
            old=raw,
            findings=tuple(replace(f, applied=False) for f in findings),
            error=f"internal error: the fixed source does not parse ({exc}); file left unchanged",
            internal=True,
        )
    try:
        new_raw = new_text.encode(decoded.encoding)
    except UnicodeEncodeError:
        return FileResult(
            path,
            old=raw,
            findings=tuple(replace(f, applied=False) for f in findings),
            error=f"the fix needs characters that {decoded.encoding} cannot encode; file left unchanged",
        )
    return FileResult(path, old=raw, new=new_raw, findings=tuple(findings))


def process_file(path: str, rules: Sequence[type[Rule]], settings: Settings) -> FileResult:
    try:
        raw, st = read_regular(path, settings.max_file_size)
    except NotReadable as exc:
        return FileResult(path, error=str(exc))
    except FileNotFoundError:
        if os.path.islink(path):
            return FileResult(path, error=f"broken symbolic link (to {os.readlink(path)})")
        return FileResult(path, error="file vanished before it could be read")
    except IsADirectoryError:
        return FileResult(path, error="is a directory")
    except MemoryError:
        return FileResult(path, error="cannot read: out of memory")
    except OSError as exc:
        return FileResult(path, error=f"cannot read: {exc.strerror or exc}")
    result = process_source(path, raw, rules, settings)
    return replace(result, stamp=(st.st_mtime_ns, st.st_size, content_hash(raw)))


def fix_source(
    source: str, rules: Iterable[type[Rule]], *, unsafe: bool = False, options: Mapping | None = None
) -> tuple[str, list[Finding]]:
    """Convenience for tests and the harness: fix a source string in memory."""
    settings = Settings(fix=True, unsafe_fixes=unsafe, rule_options=options or {})
    return run_rules("<string>", source, list(rules), settings)
