"""Runnerly reports: a runner's month, mailed as HTML with a PDF."""
