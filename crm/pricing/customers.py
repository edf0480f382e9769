"""What pricing needs from the customer records: a customer's name and value class, found in text."""

from __future__ import annotations

from typing import Protocol


class CustomerLookup(Protocol):
    """Finds the customer a text names and its value class (I–IV from the customer value matrix)."""

    def find_value_class(self, name_or_text: str) -> tuple[str, str] | None:
        """(customer name, value class) for the customer named in `name_or_text`, or None."""
        ...
