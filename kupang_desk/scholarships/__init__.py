"""Scholarships: programmes (PIP and the city's own), each student's award through its stages to the
payout, and the printed recipient lists."""
