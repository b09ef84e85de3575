"""Domain validation results shared by services, importers and (later) forms and the API.

A rule returns a list of `Problem`s (the field and why, in plain words) instead of raising at the
first one, so an importer can report every error in a file and a form every error on a page.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class ValidationFailed(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def require_none(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(problems)
