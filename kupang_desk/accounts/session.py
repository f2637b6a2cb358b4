"""Who is signed in to this program. The interface signs a user in; the command line never does,
so work done there is recorded under the operating-system user instead.

One process, one signed-in user: background work started from the window acts for them too.
"""

from __future__ import annotations

from kupang_desk.models import User

_current: User | None = None


def sign_in(user: User) -> None:
    global _current
    _current = user


def sign_out() -> None:
    global _current
    _current = None


def current() -> User | None:
    return _current
