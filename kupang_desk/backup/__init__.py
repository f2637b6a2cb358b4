"""Backups and the office's keys, in one place.

- ``copies``: making, checking and restoring a backup file; the automatic and closing backups.
- ``encryption``: the backup passphrase, the encrypted backup file format, the recovery sheet.
- ``keystore``: the installation key (the audit trail's seal and the documents' signing key
  derive from it), kept outside the database.

Nothing is imported here: the key store is read at sign-in, the backup machinery only when a
backup is made.
"""
