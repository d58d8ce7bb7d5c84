"""The stations app's demo: what a new user of each role finds on first login. Each part lives
beside the feature it shows (demo_convener, demo_street, demo_activity, …); this runs them in
order and returns the demo accounts it made, for seed_demo's printed list. Idempotent."""

from .demo_activity import seed_street_activities
from .demo_assess import seed_station_records
from .demo_convener import seed_conveners
from .demo_grid import seed_grid_demo
from .demo_street import seed_street_plans


def seed_stations(password):
    """Run every part; returns [(username, label)] of the accounts made."""
    accounts = []
    convener = seed_conveners(password)
    if convener:
        accounts.append(convener)
    liaison = seed_street_plans(password)
    if liaison is not None:
        accounts.append((liaison.username, liaison.first_name or "街道小组联络员"))
    seed_street_activities()
    seed_station_records()
    seed_grid_demo()
    return accounts
