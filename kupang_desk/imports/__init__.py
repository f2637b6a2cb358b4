"""Bringing old registers and lists in from Excel and CSV."""
