"""Located problems in a scenario file, reported together."""

from __future__ import annotations

from dataclasses import dataclass

PathPart = str | int


def format_path(path: tuple[PathPart, ...]) -> str:
    """``("actors", 3, "positions", "nato")`` -> ``actors[3].positions.nato``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where, and what is found versus what is allowed."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file could not be loaded. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, file: str, message: str, line: int | None = None,
               path: str = "") -> ScenarioError:
        return cls([Problem(file, line, path, message)])


class ScenarioWarning(UserWarning):
    """A scenario that loads but is probably not what its author meant (every capability
    zero, an issue nobody cares about). Printed by the CLI as ``warning: ...``."""
