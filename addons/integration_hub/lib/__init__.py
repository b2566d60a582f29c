"""Plain-Python building blocks of the hub: no ORM, unit-tested without a database."""
