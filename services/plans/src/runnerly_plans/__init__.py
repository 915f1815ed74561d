"""Runnerly training plans."""
