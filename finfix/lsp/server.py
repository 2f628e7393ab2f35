"""`finfix server`: a language server over stdio (pygls + lsprotocol).

Diagnostics are pushed on open, change and save, and answered when the client pulls them; each fixable
finding has a quick fix (unsafe ones say so in the title); "Fix all safe finfix findings" is a
`source.fixAll` action; hovering a finding shows its rule's docs. Each document is configured by the
nearest pyproject.toml above it, as on the command line.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from finfix import __version__
from finfix.lsp.analysis import Analyser, Edit, line_edits
from finfix.results import Finding, Safety

SOURCE = "finfix"
FIX_ALL = "source.fixAll.finfix"


def _path(uri: str) -> Path:
    return Path(to_fs_path(uri) or uri)


def _utf16_column(line: str, column: int) -> int:
    """LSP counts UTF-16 code units; finfix counts characters (1-based)."""
    prefix = line[: max(column - 1, 0)]
    return len(prefix.encode("utf-16-le")) // 2


def _range(lines: list[str], finding: Finding) -> types.Range:
    def position(line: int, column: int) -> types.Position:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return types.Position(line=max(line - 1, 0), character=_utf16_column(text, column))

    end_line = finding.end_line or finding.line
    end_col = finding.end_col or finding.col
    return types.Range(start=position(finding.line, finding.col), end=position(end_line, end_col))


def diagnostic(lines: list[str], finding: Finding) -> types.Diagnostic:
    fixable = finding.fix in (Safety.SAFE, Safety.UNSAFE)
    return types.Diagnostic(
        range=_range(lines, finding),
        message=finding.message + (f" (unsafe fix: {finding.reason})" if finding.fix is Safety.UNSAFE and finding.reason
                                   else "") + (f" [future: {finding.future}]" if finding.future else ""),
        # a future finding (finfix.versions) neither fails nor warns on the versions the code runs on today
        severity=types.DiagnosticSeverity.Information if finding.future else types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=None,
        source=SOURCE,
        data={"code": finding.code, "line": finding.line, "col": finding.col, "fixable": fixable},
    )


def _text_edits(edits: list[Edit]) -> list[types.TextEdit]:
    # Whole lines: from the start of line `start` to the start of line `end` (past the last line, the
    # client clamps to the end of the document).
    return [types.TextEdit(range=types.Range(start=types.Position(line=e.start, character=0),
                                             end=types.Position(line=e.end, character=0)), new_text=e.text)
            for e in edits]


class FinfixServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("finfix", __version__)
        self.analyser = Analyser()

    def document(self, uri: str):
        return self.workspace.get_text_document(uri)

    def findings(self, uri: str) -> tuple[list[str], tuple[Finding, ...]]:
        doc = self.document(uri)
        analysis = self.analyser.analyse(_path(uri), doc.source)
        if analysis.error:
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Warning,
                                                           message=f"finfix: {doc.path}: {analysis.error}"))
        return doc.source.splitlines(), analysis.findings

    def publish(self, uri: str) -> None:
        lines, findings = self.findings(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=self.document(uri).version, diagnostics=[diagnostic(lines, f) for f in findings]))


server = FinfixServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FinfixServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FinfixServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: FinfixServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: FinfixServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False))
def pull_diagnostics(ls: FinfixServer, params: types.DocumentDiagnosticParams) -> types.RelatedFullDocumentDiagnosticReport:
    lines, findings = ls.findings(params.text_document.uri)
    return types.RelatedFullDocumentDiagnosticReport(items=[diagnostic(lines, f) for f in findings])


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
def code_actions(ls: FinfixServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    doc = ls.document(uri)
    path, text = _path(uri), doc.source
    lines, findings = ls.findings(uri)
    wanted = params.context.only
    actions: list[types.CodeAction] = []
    if not wanted or types.CodeActionKind.QuickFix in wanted:
        first, last = params.range.start.line + 1, params.range.end.line + 1
        for finding in findings:
            if finding.fix not in (Safety.SAFE, Safety.UNSAFE):
                continue
            if (finding.end_line or finding.line) < first or finding.line > last:
                continue
            edits = ls.analyser.fix_for(path, text, finding)
            if not edits:
                continue
            unsafe = " (unsafe)" if finding.fix is Safety.UNSAFE else ""
            actions.append(types.CodeAction(
                title=f"finfix: fix {finding.code}{unsafe}: {finding.message[:80]}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic(lines, finding)],
                is_preferred=finding.fix is Safety.SAFE,
                edit=types.WorkspaceEdit(changes={uri: _text_edits(edits)}),
            ))
    if not wanted or any(k in (FIX_ALL, types.CodeActionKind.SourceFixAll, types.CodeActionKind.Source)
                         for k in wanted):
        new = ls.analyser.fixed_text(path, text)
        if new is not None:
            actions.append(types.CodeAction(
                title="finfix: fix all safe findings",
                kind=FIX_ALL,
                edit=types.WorkspaceEdit(changes={uri: _text_edits(line_edits(text, new))}),
            ))
    return actions


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: FinfixServer, params: types.HoverParams) -> types.Hover | None:
    from finfix import registry

    lines, findings = ls.findings(params.text_document.uri)
    line = params.position.line + 1
    for finding in findings:
        if finding.line <= line <= (finding.end_line or finding.line):
            rule = registry.by_code().get(finding.code)
            if rule is None:
                continue
            docs = rule.docs()
            body = "\n\n".join(f"**{h}**\n\n{docs[h]}" for h in ("What it does", "Why is this bad?", "Fix safety")
                               if docs.get(h))
            return types.Hover(contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=f"**{finding.code} {rule.name}**: {finding.message}\n\n{body}"))
    return None


def main() -> None:
    server.start_io()
