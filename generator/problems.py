"""Problems are data: every stage returns them, none raises them.

Printed as ``path:line:col: error|warning CODE: message`` with a one-line hint,
the way compilers and beancount print theirs, so editors can jump to them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
# Every code a warning may carry: the site words each in the garage's language
# (generator.render.i18n, groups "warning" and "warning_action"; a test holds the
# validator's calls to this list).
WARNING_CODES = frozenset({
    "unknown-folder", "txt-name", "comment-cut", "empty-answer", "unknown-item",  # how a file is written
    "plate-form",
    "followup-overdue", "complaint-overdue", "do-not-call", "lost-customer-back",  # the desk's rules
    "wrong-role", "wrong-customer", "status-mismatch",  # references that hold but look wrong
})


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the garage root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns a whole file
    col: int  # 1-based; 0 when unknown
    severity: str  # ERROR or WARNING
    code: str  # stable kebab-case identifier, e.g. "duplicate-key"
    message: str
    hint: str = ""
    # What a warning's message says, by name, and which sentence says it (the code's
    # unless named): the site words the warning from these in its own language
    # (generator.render.i18n, group "warning_message").  ``message`` stays English: it is
    # what `csi validate` prints.
    facts: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    wording: str = field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        head = f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code}: {self.message}"
        return f"{head}\n    hint: {self.hint}" if self.hint else head

    def to_json(self) -> dict:
        """As `csi validate --format json` prints it: the message, not the facts it was worded from."""
        found = asdict(self)
        del found["facts"], found["wording"]
        return found


def error(path: str, line: int, col: int, code: str, message: str, hint: str = "") -> Problem:
    return Problem(path, line, col, ERROR, code, message, hint)


def warning(path: str, line: int, col: int, code: str, message: str, hint: str = "", *, wording: str = "",
            **facts: object) -> Problem:
    """``facts``: the values ``message`` names, as it shows them; ``wording``: the sentence of
    i18n's "warning_message" that says it, when not the one named by ``code``."""
    return Problem(path, line, col, WARNING, code, message, hint,
                   tuple((name, str(value)) for name, value in facts.items()), wording)


def summary(problems: list[Problem]) -> str:
    errors = sum(1 for problem in problems if problem.is_error)
    warnings = len(problems) - errors
    if not problems:
        return "no problems found"
    return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"


def file_system_reason(failure: OSError) -> str:
    """Why the file system refused, in the desk's words where the system's are cryptic."""
    if isinstance(failure, (FileExistsError, NotADirectoryError)):
        # (FileExistsError: a folder made with exist_ok over a file of that name)
        return "a file is there where csi needs a folder"
    return failure.strerror or str(failure)
