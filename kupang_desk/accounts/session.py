"""Who is signed in to this program. The interface signs a user in; the command line never does,
so work done there is recorded under the operating-system user instead.

One process, one signed-in user: background work started from the window acts for them too.
"""

from __future__ import annotations

from typing import TypeAlias

from kupang_desk.models import User

# The signed-in account as every domain function takes it (``user=``). The interface holds it
# without querying it: it reads the name, the role and whether the password must change.
SignedIn: TypeAlias = User

_current: SignedIn | None = None


def sign_in(user: SignedIn) -> None:
    global _current
    _current = user


def sign_out() -> None:
    global _current
    _current = None


def current() -> SignedIn | None:
    return _current
