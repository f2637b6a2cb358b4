"""Students: their records (the form and the Dapodik import share one check), levels and grades, class promotion."""
