"""``python -m detente.schemas``: regenerate the shipped JSON Schemas."""

from detente.schemas import write_all

for path in write_all():
    print(f"wrote {path}")
