"""People: residents bound to houses, the roster, and staff with their roles."""
