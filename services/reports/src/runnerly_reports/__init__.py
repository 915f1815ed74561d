"""Runnerly monthly reports."""
