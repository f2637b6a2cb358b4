"""Who acts: the account signed in to this program (the window or the command line), or a named
system actor for the program's own work (the automatic and closing backup, migrations).

One process, one signed-in account: background work started from the window acts for it too.
Nobody signed in means nobody may read or change personal data (``permissions.allowed``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeAlias

from kupang_desk.models import User


@dataclass(frozen=True)
class SystemActor:
    """The program acting on its own, with only the permissions that work needs. It reads like an
    account where one is read (``username``, ``full_name``, ``role``) and is named in the trail."""

    username: str  # "sistem:cadangan"
    full_name: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    role: str = "sistem"
    active: bool = True
    id: None = None
    must_change_password: bool = False


# The signed-in account as every domain function takes it (``user=``). The interface holds it
# without querying it: it reads the name, the role and whether the password must change.
SignedIn: TypeAlias = User | SystemActor

_current: SignedIn | None = None


def sign_in(user: SignedIn) -> None:
    global _current
    _current = user


def sign_out() -> None:
    global _current
    _current = None


def current() -> SignedIn | None:
    return _current


@contextmanager
def acting_as(actor: SignedIn | None) -> Iterator[None]:
    """``actor`` is the signed-in one inside the block; whoever was before, after it."""
    before = _current
    sign_in(actor) if actor is not None else sign_out()
    try:
        yield
    finally:
        sign_in(before) if before is not None else sign_out()


def account(actor: SignedIn | None) -> User | None:
    """The account row to store as "who" (``created_by``, an award event's user); None for a
    system actor, which the audit trail names instead."""
    return actor if isinstance(actor, User) else None
