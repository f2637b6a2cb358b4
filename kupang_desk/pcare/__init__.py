"""BPJS Kesehatan's P-Care: every JKN visit reaches BPJS once, from the visit the clerk already typed.

- ``protocol``: the web service's signature, authorization and the encrypted, compressed replies.
- ``client``: the calls (a member by card number or NIK, a registration, a visit, their edits and
  deletions) and what each refusal means, in words.

The credentials (consumer secret, P-Care password) are kept outside the database
(``kupang_desk.credentials``).
"""
