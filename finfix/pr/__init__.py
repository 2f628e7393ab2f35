"""`finfix pr`: a migration branch with one commit per rule, and the pull request's body.

:mod:`finfix.pr.run` builds the branch, :mod:`finfix.pr.body` writes the description,
:mod:`finfix.pr.git` drives git and the GitHub CLI, :mod:`finfix.pr.model` holds the data.
"""

from finfix.pr.body import fit_for_github, render_body, reproduce_command, title, write_body
from finfix.pr.model import DEFAULT_BRANCH, Outcome, PrError, Request, RuleCommit, commit_subject, plural
from finfix.pr.run import preflight, publish, run

__all__ = [
    "DEFAULT_BRANCH", "Outcome", "PrError", "Request", "RuleCommit", "commit_subject", "fit_for_github",
    "plural", "preflight", "publish", "render_body", "reproduce_command", "run", "title", "write_body",
]
