"""Runnerly's service kit: the plumbing every service shares, and nothing domain-specific."""
