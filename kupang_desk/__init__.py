"""Kupang Desk: the desktop for puskesmas and schools of Kota Kupang."""

__version__ = "0.1.0"
