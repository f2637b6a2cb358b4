"""BPJS Kesehatan's P-Care: every JKN visit reaches BPJS once, from the visit the clerk already typed.

- ``protocol``: the web service's signature, authorization and the encrypted, compressed replies.
- ``client``: the calls (a member by card number or NIK, a registration, a visit, their edits and
  deletions, the reference lists) and what each refusal means, in words.
- ``connection``: the office's address, account and FKTP code.
- ``outbox``: the rules (which visits are queued, in the visit's own transaction) and the office's
  P-Care codes; ``sending``: the sender, which never sends a visit twice; ``outbox_view``: what the
  screens and the command line show; ``command``: ``kupang-desk pcare status|send|retry``.

The credentials (consumer secret, P-Care password) are kept outside the database
(``kupang_desk.credentials``).
"""
