"""FX104 python-removed-stdlib: standard-library modules that Python 3.12 and 3.13 removed."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.codemod.visitors import RemoveImportsVisitor

from finfix.sdk.ast_triggers import AstTrigger
from finfix.sdk.renames import NameRename, RenameRule
from finfix.sdk.rule import Example, Safety, Versions

PEP594 = "removed in Python 3.13 (PEP 594)"
#: module -> (when it went, what to use instead)
REMOVED_MODULES = {
    "asynchat": ("removed in Python 3.12", "use `asyncio` streams"),
    "asyncore": ("removed in Python 3.12", "use `asyncio`"),
    "smtpd": ("removed in Python 3.12", "use the `aiosmtpd` package"),
    "imp": ("removed in Python 3.12", "use `importlib` (`importlib.reload`, `importlib.util.spec_from_file_location`)"),
    "distutils": ("removed in Python 3.12 (PEP 632)",
                  "use `setuptools`, `packaging.version.Version` for versions, `shutil.which`/`sysconfig`"),
    "aifc": (PEP594, "use a package such as `soundfile`"),
    "audioop": (PEP594, "use `numpy` on the samples, or the `audioop-lts` package"),
    "cgi": (PEP594, "use `urllib.parse.parse_qs` or `email.message` for form and header parsing"),
    "cgitb": (PEP594, "use `traceback` / `faulthandler`"),
    "chunk": (PEP594, "read the chunks with `struct`"),
    "crypt": (PEP594, "use `hashlib` or the `bcrypt`/`passlib` packages"),
    "imghdr": (PEP594, "use the `filetype` or `Pillow` packages"),
    "mailcap": (PEP594, "use `mimetypes`"),
    "msilib": (PEP594, "no replacement in the standard library"),
    "nis": (PEP594, "no replacement in the standard library"),
    "nntplib": (PEP594, "use the `pynntp` package"),
    "ossaudiodev": (PEP594, "use a package such as `sounddevice`"),
    "pipes": (PEP594, "use `subprocess`; `pipes.quote` is `shlex.quote`"),
    "sndhdr": (PEP594, "use the `filetype` package"),
    "spwd": (PEP594, "use the `python-pam` package"),
    "sunau": (PEP594, "use a package such as `soundfile`"),
    "telnetlib": (PEP594, "use the `telnetlib3` or `Exscript` packages"),
    "uu": (PEP594, "use `base64`"),
    "xdrlib": (PEP594, "use `struct`"),
    "lib2to3": ("removed in Python 3.13", "use LibCST or `ast`"),
    "typing.io": ("removed in Python 3.13", "import from `typing`"),
    "typing.re": ("removed in Python 3.13", "import from `typing` or `re`"),
}

#: mechanical replacements: the new name is the same object (or the same function) as the old one
RENAMES = (
    NameRename("pipes.quote", "shlex.quote", note="`pipes` was removed in Python 3.13; `pipes.quote` is `shlex.quote`"),
    NameRename("imp.reload", "importlib.reload", note="`imp` was removed in Python 3.12"),
    *(NameRename(f"typing.io.{n}", f"typing.{n}", note="`typing.io` was removed in Python 3.13")
      for n in ("IO", "TextIO", "BinaryIO")),
    *(NameRename(f"typing.re.{n}", f"typing.{n}", note="`typing.re` was removed in Python 3.13")
      for n in ("Pattern", "Match")),
)


def _dotted(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a name or a chain of attributes of names; None for anything else (`f().b`), where
    LibCST's get_full_name_for_node would answer `f.b`. Import names use that helper directly."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _removed_module(dotted: str) -> str | None:
    for module in REMOVED_MODULES:
        if dotted == module or dotted.startswith(module + "."):
            return module
    return None


class PythonRemovedStdlib(RenameRule):
    """## What it does
    Reports imports of the standard-library modules that Python 3.12 removed (`asynchat`, `asyncore`,
    `smtpd`, `imp`, `distutils`) and that Python 3.13 removed (PEP 594's "dead batteries": `pipes`,
    `cgi`, `cgitb`, `crypt`, `telnetlib`, `nntplib`, `imghdr`, `sndhdr`, `uu`, `xdrlib`, `aifc`,
    `audioop`, `chunk`, `mailcap`, `msilib`, `nis`, `ossaudiodev`, `spwd`, `sunau`; also `lib2to3`,
    `typing.io`, `typing.re`), each with what to use instead. Where the replacement is the same function
    it rewrites the uses: `pipes.quote` → `shlex.quote`, `imp.reload` → `importlib.reload`,
    `typing.io.IO` → `typing.IO`, `typing.re.Pattern` → `typing.Pattern`.

    ## Why is this bad?
    On Python 3.12 / 3.13 and newer the import fails with `ModuleNotFoundError`, so the whole module
    that imports it stops loading.

    ## Example
    ```python
    import pipes
    cmd = "ls " + pipes.quote(path)
    ```
    Use instead:
    ```python
    import shlex
    cmd = "ls " + shlex.quote(path)
    ```

    ## Fix safety
    The renames are safe: `pipes.quote` has been `shlex.quote` itself since Python 3.3, `imp.reload`
    called `importlib.reload`, and `typing.io`/`typing.re` re-exported `typing`'s own classes. Everything
    else is reported only: the replacements are other APIs. An import inside `try:` whose `except
    ImportError` (or `ModuleNotFoundError`) handler provides a fallback is a compatibility shim and is
    left alone.
    """

    code = "FX104"
    name = "python-removed-stdlib"
    summary = "Standard-library modules removed in Python 3.12/3.13 (imp, distutils, pipes, cgi, ...)."
    safety = Safety.SAFE
    versions = Versions("python", deprecated="3.4", removed="3.12", fix_needs="3.4")  # imp first; importlib.reload came in 3.4
    renames = RENAMES
    ast_trigger = AstTrigger(names={r.old_leaf for r in RENAMES}, modules=REMOVED_MODULES)
    triggers = tuple(sorted({m.split(".")[0] for m in REMOVED_MODULES} | {"typing"}))

    examples = (
        Example(
            """
            import pipes
            cmd = "ls " + pipes.quote(path)
            """,
            """
            import shlex

            cmd = "ls " + shlex.quote(path)
            """,
        ),
        Example(
            """
            from pipes import quote
            cmd = quote(path)
            """,
            """
            from shlex import quote

            cmd = quote(path)
            """,
        ),
        Example("import cgi\nform = cgi.FieldStorage()\n", message="`cgi` was removed in Python 3.13 (PEP 594)", line=1),
        Example("from distutils.version import LooseVersion\nok = LooseVersion(v) > LooseVersion('1.2')\n",
                message="`distutils` was removed in Python 3.12 (PEP 632)", line=1),
        Example("import imp\nmod = imp.load_source('m', path)\n", message="`imp` was removed in Python 3.12", line=1),
        Example("from typing.io import TextIO\ndef dump(out: TextIO): ...\n",
                "from typing import TextIO\n\ndef dump(out: TextIO): ...\n"),
        Example("from typing.re import Pattern\n", message="`typing.re` was removed in Python 3.13", line=1),  # no use to rewrite: reported
        # must not touch: a compatibility fallback, modules that still exist, look-alike names
        Example(
            """
            try:
                from shlex import quote
            except ImportError:
                from pipes import quote
            try:
                import importlib
            except ModuleNotFoundError:
                import imp as importlib
            """
        ),
        Example("import shlex\nimport importlib\nfrom mypkg import pipes\npipes.run()\nimport typing\n"),
    )

    def __init__(self, session) -> None:
        super().__init__(session)
        self._fallback_depth = 0  # inside an `except ImportError:` handler

    def visit_Try(self, node: cst.Try) -> None:
        self._fallback_depth += sum(1 for h in node.handlers if _catches_import_error(h))

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try) -> cst.BaseStatement:
        self._fallback_depth -= sum(1 for h in original_node.handlers if _catches_import_error(h))
        return updated_node

    def visit_Import(self, node: cst.Import) -> bool | None:
        super().visit_Import(node)
        if not self._fallback_depth:
            for alias in node.names:
                dotted = get_full_name_for_node(alias.name)
                module = _removed_module(dotted) if dotted else None
                if module and not self._only_renamed(module):
                    self._report_module(alias, module)
        return None

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool | None:
        super().visit_ImportFrom(node)
        if self._fallback_depth or node.relative or node.module is None:
            return None
        dotted = get_full_name_for_node(node.module)
        module = _removed_module(dotted) if dotted else None
        if module is None:
            return None
        names = [] if isinstance(node.names, cst.ImportStar) else [a.name.value for a in node.names
                                                                    if isinstance(a.name, cst.Name)]
        if names and all(f"{dotted}.{n}" in self._by_old and n in self._bare_uses() for n in names):
            return None  # the rename table rewrites this import and its uses
        self._report_module(node, module)
        return None

    def _only_renamed(self, module: str) -> bool:
        """Does the module use nothing of ``module`` but names the table renames (`pipes.quote`)?"""
        prefix = module + "."
        used = {q for q in self._attribute_uses() if q.startswith(prefix)}
        return bool(used) and all(q in self._by_old for q in used)

    def _attribute_uses(self) -> set[str]:
        uses = getattr(self, "_uses", None)
        if uses is None:
            collector = _DottedUses()
            self.module.visit(collector)
            uses = self._uses = collector.found
            self._bare = collector.bare
        return uses

    def _bare_uses(self) -> set[str]:
        self._attribute_uses()
        return self._bare

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        updated_node = super().leave_Module(original_node, updated_node)
        # `import pipes` whose every use became `shlex.quote` must go: on 3.13 the import itself fails.
        # LibCST's visitor removes it only if nothing uses it once all rules have run.
        for module in {m.split(".")[0] for m in REMOVED_MODULES}:
            if self._only_renamed(module):
                RemoveImportsVisitor.remove_unused_import(self.context, module)
        return updated_node

    def _report_module(self, node: cst.CSTNode, module: str) -> None:
        when, instead = REMOVED_MODULES[module]
        self.report(node, f"`{module}` was {when}: {instead}")

    # The rename table's fixes must not touch a compatibility fallback either.
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if self._fallback_depth:
            return updated_node
        return super().leave_Attribute(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if self._fallback_depth:
            return updated_node
        return super().leave_Name(original_node, updated_node)


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = [handler.type] if not isinstance(handler.type, cst.Tuple) else [e.value for e in handler.type.elements]
    return any(_dotted(n) in ("ImportError", "ModuleNotFoundError", "builtins.ImportError") for n in names)


class _DottedUses(cst.CSTVisitor):
    """Every dotted name the module spells (`pipes.quote`, `os.path.join`)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()
        self.bare: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        dotted = _dotted(node)
        if dotted:
            self.found.add(dotted)
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        self.bare.add(node.value)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False
