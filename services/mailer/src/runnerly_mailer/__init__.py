"""Runnerly mailer."""
