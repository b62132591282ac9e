"""Services: plain functions over a SQLAlchemy Session, one module per area.

They validate, write and return ids, counts or frozen dataclasses — never live ORM objects.
The caller owns the transaction (Database.session()): one user action, one transaction."""
