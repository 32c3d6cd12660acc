"""What the order services raise. Each problem has a contract error code; the API maps codes to statuses."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    field: str | None = None


class OrderError(Exception):
    """One or more problems that stop a cart change, a checkout or an order transition."""

    def __init__(self, *problems: Problem):
        self.problems = list(problems)
        super().__init__("; ".join(f"{problem.code}: {problem.message}" for problem in self.problems))

    @classmethod
    def of(cls, code: str, message: str, field: str | None = None) -> "OrderError":
        return cls(Problem(code=code, message=message, field=field))

    @property
    def code(self) -> str:
        return self.problems[0].code


class OutOfStock(Exception):
    """Raised inside the stock transaction (so it rolls back): requested and available units per variant."""

    def __init__(self, shortages: dict[int, tuple[int, int]]):
        self.shortages = shortages  # variant id → (requested, available)
        super().__init__(f"{len(shortages)} variant(s) short")
