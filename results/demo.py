"""Demo 履职成果 for seed_demo (filled in by the registry's demo work)."""


def seed_results():
    """Idempotent: units, a year's entries of every kind and status, handling steps."""
