"""Content problems: every parser reports them here and carries on."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in a content file, printed as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class IssueList:
    """Collects issues for one file (``path``), so parsers need not repeat it."""

    path: str
    items: list[Issue] = field(default_factory=list)

    def add(self, line: int, message: str) -> None:
        """Record a problem at ``line`` (1-based) of this file."""
        self.items.append(Issue(self.path, max(1, line), message))

    def extend(self, issues: list[Issue]) -> None:
        """Adopt issues found by another parser."""
        self.items.extend(issues)

    def __bool__(self) -> bool:
        return bool(self.items)
