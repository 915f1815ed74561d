"""A Strava API v3 simulator: the same client code runs against it and strava.com."""
