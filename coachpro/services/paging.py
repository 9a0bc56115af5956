"""One page of a list that grows, and where the reader is in it."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


def last_page(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: list[T]
    page: int  # from 1
    total: int
    per_page: int

    @classmethod
    def of(cls, everything: Sequence[T], page: int, per_page: int) -> "Paged[T]":
        """A page of a list already in memory; a page past either end shows the nearest."""
        page = min(max(page, 1), last_page(len(everything), per_page))
        start = (page - 1) * per_page
        return cls(list(everything[start : start + per_page]), page, len(everything), per_page)

    @property
    def has_newer(self) -> bool:
        return self.page > 1

    @property
    def has_older(self) -> bool:
        return self.page * self.per_page < self.total
