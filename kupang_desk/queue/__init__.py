"""The loket-to-poli queue."""
