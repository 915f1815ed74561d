"""Runnerly dashboard."""
