"""Beranda: what this month looks like at a glance, for the head of a puskesmas or a school. Every
figure comes with where its rows are (a register filter, a report, a section), so that no number
stands without the list behind it."""
