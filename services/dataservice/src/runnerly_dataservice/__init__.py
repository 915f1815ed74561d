"""Runnerly dataservice."""
