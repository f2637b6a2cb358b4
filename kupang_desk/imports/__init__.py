"""The import kit every importer shares: reading sheets, identifiers as text, value lists and
their remembered answers, row checks, and the rejects file ("Periksa")."""
