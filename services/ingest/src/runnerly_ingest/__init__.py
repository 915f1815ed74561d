"""Runnerly ingest: Strava and activity files in, runs out."""
