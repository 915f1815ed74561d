"""Fitness: pure functions from race results to a VDOT, and from a VDOT to race-time
predictions and training paces (no I/O)."""
