"""FX501 psutil-renamed-apis: psutil's renamed and removed module functions, constants and Process methods."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment, QualifiedNameProvider, ScopeProvider

from finfix.sdk.names import assignments_of, qualified_names, replace_callee, short_code
from finfix.sdk.renames import NameRename, RenameRule
from finfix.sdk.rule import Example, Safety, Versions

R3 = "removed in psutil 3.0"
ERRORS = ("Error", "NoSuchProcess", "ZombieProcess", "AccessDenied", "TimeoutExpired")

RENAMES = (
    NameRename("psutil.NUM_CPUS", "psutil.cpu_count", note=R3, template="{}()"),
    NameRename("psutil.BOOT_TIME", "psutil.boot_time", note=R3, template="{}()"),
    NameRename("psutil.TOTAL_PHYMEM", "psutil.virtual_memory", note=R3, template="{}().total"),
    NameRename("psutil.get_pid_list", "psutil.pids", note=R3),
    NameRename("psutil.get_users", "psutil.users", note=R3),
    NameRename("psutil.get_boot_time", "psutil.boot_time", note=R3),
    NameRename("psutil.phymem_usage", "psutil.virtual_memory", note=R3),
    NameRename("psutil.virtmem_usage", "psutil.swap_memory", note=R3),
    NameRename("psutil.network_io_counters", "psutil.net_io_counters", note=R3),
    *(NameRename(f"psutil.error.{e}", f"psutil.{e}", note="`psutil.error` was removed in psutil 2.0") for e in ERRORS),
)

#: zero-argument module calls whose replacement is an expression: old -> (new function, suffix)
CALLS = {
    "psutil.get_process_list": ("process_iter", "list"),
    "psutil.cached_phymem": ("virtual_memory", ".cached"),
    "psutil.phymem_buffers": ("virtual_memory", ".buffers"),
    "psutil.avail_phymem": ("virtual_memory", ".free"),
    "psutil.used_phymem": ("virtual_memory", ".used"),
}
INFERRED = {"psutil.avail_phymem", "psutil.used_phymem"}

#: Process methods: old -> new (psutil 2.0 dropped the get_/set_ prefixes, 6.0 renamed connections)
METHODS = {
    **{f"get_{m}": m for m in (
        "children", "cpu_affinity", "cpu_percent", "cpu_times", "io_counters", "ionice", "memory_info",
        "memory_maps", "memory_percent", "nice", "num_ctx_switches", "num_fds", "num_threads", "open_files",
        "rlimit", "threads")},
    **{f"set_{m}": m for m in ("nice", "ionice", "cpu_affinity", "rlimit")},
    "get_connections": "net_connections",
    "connections": "net_connections",
    "get_ext_memory_info": "memory_info",
    "memory_info_ex": "memory_info",
    "getcwd": "cwd",
}
#: attributes that became methods in psutil 2.0
PROPERTIES = ("name", "exe", "cmdline", "status", "ppid", "parent", "username", "uids", "gids", "create_time")
#: names distinctive enough to report when the receiver is not provably a Process
DISTINCTIVE = {m for m in METHODS if m.startswith(("get_", "set_"))} | {"memory_info_ex"}
PROCESS_TYPES = ("psutil.Process", "psutil.Popen")


class _Bindings(cst.CSTVisitor):
    """What each simple name target is bound to: ("value", expr), ("iter", expr) or ("annotation", expr)."""

    def __init__(self) -> None:
        super().__init__()
        self.of: dict[int, tuple[str, cst.BaseExpression | None]] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.of[id(target.target)] = ("value", node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.of[id(node.target)] = ("annotation", node.annotation.annotation)

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self.of[id(node.target)] = ("iter", node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if isinstance(node.target, cst.Name):
            self.of[id(node.target)] = ("iter", node.iter)

    def visit_Param(self, node: cst.Param) -> None:
        annotation = node.annotation.annotation if node.annotation else None
        self.of[id(node)] = ("annotation", annotation)  # scope assignments of parameters point at the Param


class PsutilRenamedApis(RenameRule):
    """## What it does
    Rewrites psutil's renamed APIs: module constants and functions (`psutil.NUM_CPUS` →
    `psutil.cpu_count()`, `psutil.BOOT_TIME` → `psutil.boot_time()`, `psutil.TOTAL_PHYMEM` →
    `psutil.virtual_memory().total`, `get_pid_list` → `pids`, `get_users` → `users`,
    `phymem_usage` → `virtual_memory`, `network_io_counters` → `net_io_counters`,
    `get_process_list()` → `list(psutil.process_iter())`, `cached_phymem()` →
    `virtual_memory().cached`, `psutil.error.NoSuchProcess` → `psutil.NoSuchProcess`), and the
    `Process` methods: `p.get_children()` → `p.children()` (and every other `get_`/`set_` method),
    `p.connections()` → `p.net_connections()`, `p.memory_info_ex()` → `p.memory_info()`,
    `p.getcwd()` → `p.cwd()`, and the pre-2.0 properties used without a call: `p.name` → `p.name()`.

    ## Why is this bad?
    The old names were removed in psutil 3.0 and 7.0 (AttributeError); `Process.connections()` warns
    since 6.0. The property case is a silent bug: since psutil 2.0 `p.name` is a bound method, so
    `if p.name == "python":` is always False.

    ## Example
    ```python
    for p in psutil.process_iter():
        if p.name == "python":
            print(p.get_memory_info().rss, psutil.NUM_CPUS)
    ```
    Use instead:
    ```python
    for p in psutil.process_iter():
        if p.name() == "python":
            print(p.memory_info().rss, psutil.cpu_count())
    ```

    ## Fix safety
    Safe: same values under new names. `Process` methods are rewritten only when the receiver is
    provably a `psutil.Process`: made by `psutil.Process(...)`/`psutil.Popen(...)`, a loop over
    `psutil.process_iter()` or `p.children()`, `p.parent()`, or a parameter annotated
    `psutil.Process`. Elsewhere the distinctive `get_*`/`set_*`/`memory_info_ex` names are reported
    in files that import psutil; `.name`, `.status` or `.connections` of other objects
    (`multiprocessing.Process.name` is a real property) are left alone. `avail_phymem()`/`used_phymem()`
    → `virtual_memory().free`/`.used` is inferred, not documented: unsafe. `net_connections()` needs
    psutil ≥ 6.0.

    The `maxfile`/`maxpath` fields psutil 6.0 removed from `disk_partitions()` entries are reported
    (use `os.pathconf(part.mountpoint, "PC_NAME_MAX")` / `"PC_PATH_MAX"`).
    """

    code = "FX501"
    name = "psutil-renamed-apis"
    summary = "psutil renamed/removed APIs: NUM_CPUS, get_pid_list, Process.get_*(), p.name as a property, ..."
    safety = Safety.SAFE
    versions = Versions("psutil", deprecated="0.6", removed="2.0", fix_needs="6.0")  # net_connections() came in 6.0
    renames = RENAMES
    METADATA_DEPENDENCIES = (QualifiedNameProvider, ScopeProvider)
    triggers = ("psutil",)  # every import form names the library

    examples = (
        Example("import psutil\nn = psutil.NUM_CPUS\nm = psutil.TOTAL_PHYMEM\nt = psutil.BOOT_TIME\npids = psutil.get_pid_list()\n",
                "import psutil\nn = psutil.cpu_count()\nm = psutil.virtual_memory().total\nt = psutil.boot_time()\n"
                "pids = psutil.pids()\n"),
        Example("from psutil import NUM_CPUS, network_io_counters\nn = NUM_CPUS\nio = network_io_counters()\n",
                "from psutil import cpu_count, net_io_counters\nn = cpu_count()\nio = net_io_counters()\n"),
        Example("import psutil as ps\nprocs = ps.get_process_list()\nc = ps.cached_phymem()\n",
                "import psutil as ps\nprocs = list(ps.process_iter())\nc = ps.virtual_memory().cached\n"),
        Example("import psutil\ntry:\n    pass\nexcept psutil.error.NoSuchProcess:\n    pass\n",
                "import psutil\ntry:\n    pass\nexcept psutil.NoSuchProcess:\n    pass\n"),
        Example(
            """
            import psutil
            for p in psutil.process_iter():
                if p.name == "python":
                    print(p.get_memory_info().rss, p.get_cpu_percent(interval=0.1), p.cmdline)
            """,
            """
            import psutil
            for p in psutil.process_iter():
                if p.name() == "python":
                    print(p.memory_info().rss, p.cpu_percent(interval=0.1), p.cmdline())
            """,
        ),
        Example(
            """
            import psutil
            proc = psutil.Process(pid)
            kids = proc.get_children(recursive=True)
            for k in proc.get_children():
                k.set_nice(10)
            conns = proc.connections()
            mem = psutil.Process().memory_info_ex()
            """,
            """
            import psutil
            proc = psutil.Process(pid)
            kids = proc.children(recursive=True)
            for k in proc.children():
                k.nice(10)
            conns = proc.net_connections()
            mem = psutil.Process().memory_info()
            """,
        ),
        Example(
            """
            import psutil
            def describe(p: psutil.Process) -> str:
                return p.name + " " + p.getcwd()
            """,
            """
            import psutil
            def describe(p: psutil.Process) -> str:
                return p.name() + " " + p.cwd()
            """,
        ),
        Example("import psutil\nfree = psutil.avail_phymem()\n", "import psutil\nfree = psutil.virtual_memory().free\n",
                unsafe=True),
        Example("import psutil\ndef rss(proc):\n    return proc.get_memory_info().rss\n",
                message="`.get_memory_info` looks like a psutil `Process` method removed in",
                line=3, safety=Safety.DETECT),
        Example("import psutil\nfor part in psutil.disk_partitions():\n    print(part.maxfile)\n"
                "n = psutil.disk_partitions()[0].maxpath\n",
                message="`part.maxfile`: psutil 6.0 removed the `maxfile` field of", line=3, safety=Safety.DETECT),
        # must not touch: current APIs, non-psutil objects with the same attribute names
        Example("import psutil\np = psutil.Process()\nn = p.name()\nc = p.net_connections()\nk = psutil.cpu_count()\n"),
        Example("import multiprocessing\np = multiprocessing.Process(target=f)\nprint(p.name, p.get_children)\n"),
        Example("import psutil\ndef f(engine):\n    return engine.name, engine.connections()\n"),
        Example("import psutil\np = psutil.Process()\np = make_other()\nprint(p.name)\n"),
        Example("import os\nprint(os.getcwd(), obj.status)\n"),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._bindings: dict[int, tuple[str, cst.BaseExpression | None]] = {}
        self._called: set[int] = set()
        self._imports_psutil = False

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        collector = _Bindings()
        node.visit(collector)
        self._bindings = collector.of
        self._imports_psutil = "psutil" in node.code

    # -- provenance -------------------------------------------------------------------------------------------
    def _is_process(self, expr: cst.BaseExpression, depth: int = 0) -> bool:
        if depth > 5:
            return False
        if isinstance(expr, cst.Call):
            if qualified_names(self, expr.func) & set(PROCESS_TYPES):
                return True
            func = expr.func
            return isinstance(func, cst.Attribute) and func.attr.value == "parent" and self._is_process(func.value, depth + 1)
        if not isinstance(expr, cst.Name):
            return False
        assignments = assignments_of(self, expr)
        if not assignments:
            return False
        for assignment in assignments:
            if not isinstance(assignment, Assignment):
                return False
            kind, bound = self._bindings.get(id(assignment.node), ("", None))
            if bound is None:
                return False
            if kind == "value" and not self._is_process(bound, depth + 1):
                return False
            if kind == "iter" and not self._iterates_processes(bound, depth + 1):
                return False
            if kind == "annotation" and not qualified_names(self, bound) & set(PROCESS_TYPES):
                return False
            if not kind:
                return False
        return True

    def _iterates_processes(self, expr: cst.BaseExpression, depth: int) -> bool:
        if not isinstance(expr, cst.Call):
            return False
        if "psutil.process_iter" in qualified_names(self, expr.func):
            return True
        func = expr.func
        return isinstance(func, cst.Attribute) and func.attr.value in ("children", "get_children") \
            and self._is_process(func.value, depth + 1)

    def _is_partition(self, expr: cst.BaseExpression) -> bool:
        """An element of `psutil.disk_partitions()`: subscripted, or a loop variable over it."""
        def partitions(call: cst.BaseExpression | None) -> bool:
            return isinstance(call, cst.Call) and "psutil.disk_partitions" in qualified_names(self, call.func)

        if isinstance(expr, cst.Subscript):
            return partitions(expr.value)
        if not isinstance(expr, cst.Name):
            return False
        assignments = assignments_of(self, expr)
        return bool(assignments) and all(
            isinstance(a, Assignment) and self._bindings.get(id(a.node), ("", None))[0] == "iter"
            and partitions(self._bindings[id(a.node)][1])
            for a in assignments
        )

    # -- Process methods and properties ---------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self._called.add(id(node.func))

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        updated = super().leave_Attribute(original_node, updated_node)
        if updated is not updated_node or self.in_import:
            return updated
        attr = original_node.attr.value
        if attr in ("maxfile", "maxpath") and self._is_partition(original_node.value):
            limit = "PC_NAME_MAX" if attr == "maxfile" else "PC_PATH_MAX"
            self.report(original_node, f"`{short_code(original_node)}`: psutil 6.0 removed the `{attr}` field of "
                        f"`disk_partitions()`; use `os.pathconf(<partition>.mountpoint, \"{limit}\")`",
                        fix=Safety.DETECT, reason="the replacement is another call")
            return updated
        called = id(original_node) in self._called
        if attr in METHODS:
            new = METHODS[attr]
            replacement = updated_node.with_changes(attr=cst.Name(new))
        elif attr in PROPERTIES and not called:
            replacement = cst.Call(func=updated_node)
        else:
            return updated
        if not self._is_process(original_node.value):
            if attr in DISTINCTIVE and self._imports_psutil:
                self.report(original_node, f"`.{attr}` looks like a psutil `Process` method removed in psutil 3.0: "
                            f"if `{short_code(original_node.value)}` is a `psutil.Process`, use `.{METHODS[attr]}`",
                            fix=Safety.DETECT, reason="the receiver is not provably a psutil.Process")
            return updated
        if attr in PROPERTIES and attr not in METHODS:
            message = (f"`{short_code(original_node)}` is a method since psutil 2.0: without the call it is a bound "
                       f"method (never equal to a value); use `{short_code(replacement)}`")
        else:
            note = "deprecated in psutil 6.0" if attr == "connections" else R3
            message = f"`{short_code(original_node)}` → `{short_code(replacement)}` ({note})"
        if self.report(original_node, message, fix=Safety.SAFE):
            return replacement
        return updated

    # -- zero-argument module calls with another shape ------------------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated = super().leave_Call(original_node, updated_node)
        if not isinstance(updated, cst.Call):
            return updated
        name = next((n for n in CALLS if n in qualified_names(self, original_node.func)), None)
        if name is None or original_node.args:
            return updated
        new_leaf, shape = CALLS[name]
        func = updated.func
        new_func = func.with_changes(attr=cst.Name(new_leaf)) if isinstance(func, cst.Attribute) else cst.Name(new_leaf)
        call = cst.Call(func=new_func)
        if shape == "list":
            replacement: cst.BaseExpression = cst.Call(func=cst.Name("list"), args=[cst.Arg(call)])
        else:
            replacement = cst.Attribute(value=call, attr=cst.Name(shape[1:]))
        fix, reason = Safety.SAFE, ""
        if name in INFERRED:
            fix, reason = Safety.UNSAFE, "this mapping is inferred from psutil's history, not documented"
        message = f"`{short_code(original_node)}` → `{short_code(replacement)}` ({R3})"
        if not self.report(original_node, message, fix=fix, reason=reason):
            return updated
        if isinstance(func, cst.Name):
            replace_callee(self, func, name, new_leaf)
        return replacement.with_changes(lpar=updated.lpar, rpar=updated.rpar)
