"""FX102 silent-except: `except Exception: pass` and bare `except: pass` → log the exception."""

from __future__ import annotations

import ast
import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider, ScopeProvider

from finfix.sdk.ast_triggers import AstTrigger, Prescan, last_name
from finfix.sdk.names import code_of, may_resolve_to, qualified_names, resolves_to
from finfix.sdk.rule import Example, Rule, Safety
from finfix.codemods.python.silent_except_nodes import (
    _after_imports, _imports_logging, _silent_body, _with_log,
)

BROAD = ("builtins.Exception", "builtins.BaseException")
_BROAD_LEAVES = frozenset(q.rpartition(".")[2] for q in BROAD)
LOGGER_NAMES = ("logger", "log", "_logger", "_log", "LOGGER", "LOG", "_LOGGER", "_LOG")
_SILENT_HANDLER = re.compile(r"\bexcept\b[^:]*:\s*(?:pass\b|\.\.\.|continue\b)")
#: Levels Python's last-resort handler does not print (it prints WARNING and above to stderr).
QUIET_LEVELS = ("debug", "info")
LEVELS = (*QUIET_LEVELS, "warning", "error", "exception")
LOUD_REASON = (
    "with no logging configured, Python prints each `{level}` record and its traceback to stderr, "
    "so the program's output changes whenever this handler runs"
)
NARROW_REASON = (
    "a bare `except:` also catches KeyboardInterrupt, SystemExit and GeneratorExit; "
    "`except Exception:` lets them through"
)


class SilentExcept(Rule):
    """## What it does
    Finds `try` handlers that swallow every error without a trace: a body of only `pass` (or `...`, or
    `continue`) under `except Exception:`, `except BaseException:` (also inside a tuple), `except Exception
    as e:` or a bare `except:`. The fix logs the exception at debug level, with its traceback:
    `logger.debug("Ignored error in f()", exc_info=True)`; a `continue` is kept. It reuses the module's
    logger (`logger`, `log`, `_logger`, `LOGGER`, ... `= logging.getLogger(...)`); if there is none it
    adds `logger = logging.getLogger(__name__)` after the module's imports, and `import logging` to its
    import block unless the block has it already (a late `import logging` further down runs after the
    logger line, so it does not count). The option `level` (`debug`, `info`, `warning`, `error`,
    `exception`) asks for a louder call; inside a loop the call stays at debug level (no log floods).

    A bare `except:` becomes `except BaseException:` + log (safe: the same exceptions are caught); with
    unsafe fixes it becomes `except Exception:` + log, which is usually what was meant.

    ## Why is this bad?
    A silent broad handler hides real failures: in the seed audit, resource and alert monitors stopped
    reporting and nobody knew why. A bare `except:` also swallows Ctrl-C and `sys.exit()`.

    ## Example
    ```python
    def poll_cpu():
        try:
            return psutil.cpu_percent()
        except Exception:
            pass
    ```
    Use instead:
    ```python
    import logging

    logger = logging.getLogger(__name__)

    def poll_cpu():
        try:
            return psutil.cpu_percent()
        except Exception:
            logger.debug("Ignored error in poll_cpu()", exc_info=True)
    ```

    ## Fix safety
    Safe: control flow is unchanged and nothing is printed: a debug record is dropped unless the
    application configured logging to show it (with no handler configured, Python 3.11-3.14 print only
    WARNING and above). Such handlers are often ordinary control flow (an `int(v)` fallback, a probe),
    so a louder `level` (`warning`, `error`, `exception`) is an unsafe fix: with no logging configured,
    every failure then prints an error and a traceback to stderr. A bare `except:` is kept as
    `except BaseException:`. Narrowing a bare `except:` to `except Exception:` is unsafe: KeyboardInterrupt,
    SystemExit and GeneratorExit are no longer swallowed.

    ## Not touched
    Handlers for specific exceptions (`except ImportError: pass`, `except (KeyError, IndexError): pass`),
    handlers holding a comment that explains the silence, code inside `logging.Handler`/`Filter` classes
    (logging from there can recurse). Handlers in `__del__` and in `atexit` callbacks are only reported:
    logging may itself fail at interpreter shutdown. So are handlers where `logger` names something
    that is not a `logging` logger.
    """

    code = "FX102"
    name = "silent-except"
    summary = "`except Exception: pass` / bare `except: pass` hides errors; log them."
    safety = Safety.SAFE
    triggers = ("except",)
    ast_trigger = AstTrigger(shapes={ast.ExceptHandler: lambda handler, scan: _may_be_silent_and_broad(handler, scan)})
    options = {"level": "debug"}
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ParentNodeProvider, ScopeProvider)

    @classmethod
    def applies_to(cls, source: str) -> bool:
        """A handler whose body starts with `pass`, `...` or `continue` (a comment there means the
        handler is left alone anyway), so most files with `try` blocks are not parsed for this rule."""
        return "except" in source and _SILENT_HANDLER.search(source) is not None

    examples = (
        Example(
            """
            import psutil


            def poll_cpu():
                try:
                    return psutil.cpu_percent()
                except Exception:
                    pass
            """,
            """
            import logging

            import psutil

            logger = logging.getLogger(__name__)


            def poll_cpu():
                try:
                    return psutil.cpu_percent()
                except Exception:
                    logger.debug("Ignored error in poll_cpu()", exc_info=True)
            """,
        ),
        # A bare except keeps catching everything (safe) ...
        Example(
            """
            import logging
            log = logging.getLogger("alerts")

            class Monitor:
                def check(self):
                    try:
                        self.send()
                    except:
                        pass
            """,
            """
            import logging
            log = logging.getLogger("alerts")

            class Monitor:
                def check(self):
                    try:
                        self.send()
                    except BaseException:
                        log.debug("Ignored error in Monitor.check()", exc_info=True)
            """,
        ),
        # ... and is narrowed to Exception with unsafe fixes.
        Example(
            """
            import logging
            logger = logging.getLogger(__name__)
            def check():
                try: send()
                except: pass
            """,
            """
            import logging
            logger = logging.getLogger(__name__)
            def check():
                try: send()
                except Exception: logger.debug("Ignored error in check()", exc_info=True)
            """,
            unsafe=True,
        ),
        # A louder level prints to stderr when logging is not configured: unsafe, and only on request.
        Example(
            "import logging\nlogger = logging.getLogger(__name__)\ndef f():\n    try:\n        g()\n"
            "    except Exception:\n        pass\n",
            "import logging\nlogger = logging.getLogger(__name__)\ndef f():\n    try:\n        g()\n"
            "    except Exception:\n        logger.exception(\"Ignored error in f()\")\n",
            unsafe=True,
            options={"level": "exception"},
        ),
        Example(
            "import logging\nlogger = logging.getLogger(__name__)\ndef f():\n    try:\n        g()\n"
            "    except Exception:\n        pass\n",
            reported=True,
            options={"level": "warning"},
        ),
        # In a loop: `continue` is kept.
        Example(
            """
            \"\"\"Prices.\"\"\"
            from __future__ import annotations

            import logging

            LOGGER = logging.getLogger(__name__)


            def prices(symbols):
                for s in symbols:
                    try:
                        yield fetch(s)
                    except (ValueError, Exception) as e:
                        continue
            """,
            """
            \"\"\"Prices.\"\"\"
            from __future__ import annotations

            import logging

            LOGGER = logging.getLogger(__name__)


            def prices(symbols):
                for s in symbols:
                    try:
                        yield fetch(s)
                    except (ValueError, Exception) as e:
                        LOGGER.debug("Ignored error in prices()", exc_info=True)
                        continue
            """,
        ),
        # A module-level handler runs at import: the logger is defined before it.
        Example(
            """
            import os
            try:
                os.nice(1)
            except Exception:
                pass
            import sys
            """,
            """
            import logging
            import os

            logger = logging.getLogger(__name__)

            try:
                os.nice(1)
            except Exception:
                logger.debug("Ignored error at module level", exc_info=True)
            import sys
            """,
        ),
        # A late `import logging` runs after the logger line: the import block gets its own.
        Example(
            """
            import os


            def f():
                try:
                    os.nice(1)
                except Exception:
                    pass


            import logging
            """,
            """
            import logging
            import os

            logger = logging.getLogger(__name__)


            def f():
                try:
                    os.nice(1)
                except Exception:
                    logger.debug("Ignored error in f()", exc_info=True)


            import logging
            """,
        ),
        # Reported only: __del__, atexit callbacks.
        Example(
            """
            class Conn:
                def __del__(self):
                    try:
                        self.close()
                    except Exception:
                        pass
            """,
            reported=True,
        ),
        Example(
            """
            import atexit
            @atexit.register
            def flush():
                try:
                    save()
                except Exception:
                    pass
            """,
            reported=True,
        ),
        Example(
            """
            from loguru import logger
            def f():
                try:
                    g()
                except Exception:
                    pass
            """,
            reported=True,
        ),
        # Must not touch: specific exceptions, explained silence, logging handlers.
        Example("try:\n    import ujson as json\nexcept ImportError:\n    pass\n"),
        Example("try:\n    x = d[k]\nexcept (KeyError, IndexError):\n    pass\n"),
        Example("try:\n    f()\nexcept Exception:  # best effort: the cache is optional\n    pass\n"),
        Example("try:\n    f()\nexcept Exception:\n    pass  # noqa: S110\n"),
        Example(
            """
            import logging
            class Forward(logging.Handler):
                def emit(self, record):
                    try:
                        send(record)
                    except Exception:
                        pass
            """
        ),
        Example("try:\n    f()\nexcept Exception:\n    cleanup()\n"),
    )

    # -- context ---------------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self._frames: list[tuple[str, object]] = []  # ("def", name) | ("class", (name, is_logging)) | ("loop", None)
        self._atexit = self._atexit_callbacks(node)
        self._logger, self._logger_index = self._find_logger(node)
        self._need_logger = False
        self._earliest_import_time: int | None = None  # top-level index of the first import-time fix

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.append(("def", node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self._frames.pop()
        return updated_node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        is_logging = any(
            any(q.startswith("logging.") for q in qualified_names(self, b.value)) for b in node.bases
        )
        self._frames.append(("class", (node.name.value, is_logging)))

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._frames.pop()
        return updated_node

    def visit_For(self, node: cst.For) -> None:
        self._frames.append(("loop", None))

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        self._frames.pop()
        return updated_node

    def visit_While(self, node: cst.While) -> None:
        self._frames.append(("loop", None))

    def leave_While(self, original_node: cst.While, updated_node: cst.While) -> cst.While:
        self._frames.pop()
        return updated_node

    def _atexit_callbacks(self, module: cst.Module) -> set[str]:
        rule = self

        class Collect(cst.CSTVisitor):
            names: set[str] = set()

            def visit_Call(self, node: cst.Call) -> None:
                if not isinstance(node.func, cst.Attribute) or node.func.attr.value != "register":
                    return
                if node.args and resolves_to(rule, node.func, ("atexit.register",)):
                    value = node.args[0].value
                    if isinstance(value, (cst.Name, cst.Attribute)):
                        self.names.add(code_of(value).rpartition(".")[2])

            def visit_Decorator(self, node: cst.Decorator) -> None:
                target = node.decorator.func if isinstance(node.decorator, cst.Call) else node.decorator
                if "register" in code_of(target) and resolves_to(rule, target, ("atexit.register",)):
                    parent = rule.get_metadata(ParentNodeProvider, node, None)
                    if isinstance(parent, cst.FunctionDef):
                        self.names.add(parent.name.value)

        collect = Collect()
        collect.names = set()
        module.visit(collect)
        return collect.names

    def _find_logger(self, module: cst.Module) -> tuple[str | None, int]:
        """A module-level ``NAME = logging.getLogger(...)`` (preferring the usual names), and its index."""
        found: dict[str, int] = {}
        for index, stmt in enumerate(module.body):
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if (
                    isinstance(small, (cst.Assign, cst.AnnAssign))
                    and isinstance(small.value, cst.Call)
                    # by spelling first: resolving a name runs the scope analysis of the whole module
                    and may_resolve_to(self, small.value.func, ("getLogger",))
                    and resolves_to(self, small.value.func, ("logging.getLogger",))
                ):
                    targets = small.targets if isinstance(small, cst.Assign) else [small]
                    for t in targets:
                        if isinstance(t.target, cst.Name):
                            found.setdefault(t.target.value, index)
        for name in LOGGER_NAMES:
            if name in found:
                return name, found[name]
        if found:
            name = min(found, key=found.get)
            return name, found[name]
        return None, -1

    # -- the handlers ----------------------------------------------------------------------------
    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        body = _silent_body(original_node.body)
        if body is None:
            return updated_node
        bare = original_node.type is None
        if not bare and not self._is_broad(original_node.type):
            return updated_node
        if "#" in code_of(original_node.body):
            return updated_node  # an explained silence (or a noqa): respected
        if any(kind == "class" and info[1] for kind, info in self._frames):  # type: ignore[index]
            return updated_node  # logging from a logging handler/filter can recurse

        shown = "bare `except:`" if bare else f"`except {code_of(original_node.type)}:`"
        message = f"{shown} with only `{body}` hides every error"
        if bare:
            message += ", even KeyboardInterrupt and SystemExit"
        function = self._function_name()
        if function is not None and function.rpartition(".")[2] == "__del__":
            self.report(original_node, message, reason="in `__del__`, logging may fail at interpreter shutdown")
            return updated_node
        if function is not None and function.rpartition(".")[2] in self._atexit:
            self.report(original_node, message, reason="in an atexit callback, logging may fail at shutdown")
            return updated_node

        logger, why_not = self._logger_for(original_node, import_time=function is None)
        if logger is None:
            self.report(original_node, message, reason=why_not)
            return updated_node

        level = str(self.option("level") or "debug").lower()
        if level not in LEVELS or self._in_loop():
            level = "debug"  # in a loop: one record per failure, so never louder than debug
        loud = level not in QUIET_LEVELS
        narrow = bare and self.session.settings.unsafe_fixes
        if bare and not narrow:
            message += "; log it (kept as `except BaseException:`)"
        elif narrow:
            message += "; narrow it to `except Exception:` and log it"
        else:
            message += "; log it"
        reasons = [NARROW_REASON] if narrow else []
        if loud:
            reasons.append(LOUD_REASON.format(level=level.upper() if level != "exception" else "ERROR"))
        fix, reason = (Safety.UNSAFE, "; ".join(reasons)) if reasons else (Safety.SAFE, "")
        if not self.report(original_node, message, fix=fix, reason=reason):
            return updated_node

        if logger == "logger" and self._logger is None:
            self._need_logger = True
            if function is None:
                index = self._top_level_index(original_node)
                if self._earliest_import_time is None or index < self._earliest_import_time:
                    self._earliest_import_time = index
        classes = [info[0] for kind, info in self._frames if kind == "class"]  # type: ignore[index]
        where = f"in {function}()" if function else f"in class {classes[-1]}" if classes else "at module level"
        if level == "exception":
            call = f'{logger}.exception("Ignored error {where}")'
        else:
            call = f'{logger}.{level}("Ignored error {where}", exc_info=True)'
        new = updated_node.with_changes(body=_with_log(updated_node.body, call))
        if bare:
            new = new.with_changes(
                type=cst.Name("Exception" if narrow else "BaseException"),
                whitespace_after_except=cst.SimpleWhitespace(" "),
            )
        return new

    def _is_broad(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Tuple):
            return any(self._is_broad(el.value) for el in expr.elements)
        # by spelling first (`except ImportError:` is plainly narrow): resolving runs the module's scope analysis
        if not may_resolve_to(self, expr, _BROAD_LEAVES):
            return False
        return resolves_to(self, expr, BROAD) is not None

    def _function_name(self) -> str | None:
        """`Class.method` / `function` of the innermost def, or None at import time (module, class body)."""
        for i in range(len(self._frames) - 1, -1, -1):
            kind, info = self._frames[i]
            if kind == "def":
                name = info.name.value  # type: ignore[union-attr]
                if i and self._frames[i - 1][0] == "class":
                    name = f"{self._frames[i - 1][1][0]}.{name}"  # type: ignore[index]
                return name
        return None

    def _in_loop(self) -> bool:
        for kind, _ in reversed(self._frames):
            if kind == "loop":
                return True
            if kind == "def":
                return False
        return False

    def _logger_for(self, handler: cst.ExceptHandler, *, import_time: bool) -> tuple[str | None, str]:
        """The logger name to use here, or None and why not."""
        name = self._logger or "logger"
        scope = self.get_metadata(ScopeProvider, handler, None)
        if scope is not None:
            global_scope = scope.globals
            if name in scope:
                assignments = scope[name]
                if any(a.scope is not global_scope for a in assignments):
                    return None, f"a local `{name}` shadows the module's logger here"
                if self._logger is None and assignments:
                    return None, f"`{name}` is bound to something that is not a `logging` logger"
        if import_time and self._logger is not None and self._logger_index > self._top_level_index(handler):
            return None, f"`{name}` is defined after this handler, which runs at import time"
        return name, ""

    def _top_level_index(self, node: cst.CSTNode) -> int:
        current = node
        while True:
            parent = self.get_metadata(ParentNodeProvider, current, None)
            if parent is None or isinstance(parent, cst.Module):
                break
            current = parent
        for index, stmt in enumerate(self.module.body):
            if stmt is current:
                return index
        return len(self.module.body)

    # -- the logger ------------------------------------------------------------------------------
    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._need_logger:
            return updated_node
        body = list(updated_node.body)
        at = _after_imports(body)
        if self._earliest_import_time is not None:
            at = min(at, self._earliest_import_time)
        if not _imports_logging(body[:at]):
            # the engine puts it in the module's first import block, which ends before `at`
            AddImportsVisitor.add_needed_import(self.context, "logging")
        logger = cst.parse_statement("logger = logging.getLogger(__name__)\n").with_changes(
            leading_lines=[cst.EmptyLine()]
        )
        if at < len(body) and not any(line.comment is None for line in body[at].leading_lines):
            blank = 2 if isinstance(body[at], (cst.FunctionDef, cst.ClassDef)) else 1
            body[at] = body[at].with_changes(leading_lines=[cst.EmptyLine()] * blank + list(body[at].leading_lines))
        body.insert(at, logger)
        return updated_node.with_changes(body=body)


def _may_be_silent_and_broad(handler: ast.ExceptHandler, scan: Prescan) -> bool:
    """The handlers `leave_ExceptHandler` acts on: silent (`_does_nothing`) and bare or, as `_is_broad`'s
    `may_resolve_to` spells it, naming `Exception`/`BaseException` (an attribute's last part, a bare
    name, or a name imported under another: `from builtins import Exception as E`)."""
    if not _does_nothing(handler.body):
        return False
    if handler.type is None:
        return True
    for node in ast.walk(handler.type):
        name = last_name(node) if isinstance(node, ast.expr) else None
        if name is not None and any(scan.may_name(name, leaf) for leaf in _BROAD_LEAVES):
            return True
    return False


def _does_nothing(body: list[ast.stmt]) -> bool:
    """Only `pass`, `...` and `continue`: the handlers `_silent_body` accepts (comments aside)."""
    return all(
        isinstance(s, (ast.Pass, ast.Continue))
        or isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and s.value.value is Ellipsis
        for s in body
    )
