"""The school desk: students from Dapodik, class promotion, scholarship programmes and awards."""
