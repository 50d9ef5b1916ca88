"""Medical billing exercises (CPB): claims, remittances and scrubbers — the pure core."""
