"""The reporting cycle: what is due, what was sent (files, counts, revisions), and what changed since."""
