"""The transaction boundary: load, call domain logic, persist, enqueue email, commit."""
