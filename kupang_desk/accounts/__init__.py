"""Accounts: who is signed in, what each role may do, passwords and sign-in."""
