"""Runnerly tokendealer."""
