"""Documents: the report table, its letterhead and signature, and the Excel and PDF writers."""
