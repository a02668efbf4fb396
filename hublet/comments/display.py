"""How a commenter looks beside their comment: the initials and colour of their avatar.

Drawn from the name alone, so that a comment never makes a request to a third-party avatar
service and the same name keeps the same colour on every page.
"""

from __future__ import annotations

import hashlib

#: Avatar colours, styled ``avatar-0`` to ``avatar-7`` in the stylesheet.
AVATAR_COLORS = 8


def initials(name: str) -> str:
    """Up to two letters for an avatar: first and last word's first letters."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_color(name: str) -> int:
    """A stable color number (0-7) for a name, so a commenter keeps their color."""
    digest = hashlib.blake2s(name.strip().lower().encode("utf-8"), digest_size=2).digest()
    return int.from_bytes(digest, "big") % AVATAR_COLORS


def avatar_class(name: str) -> str:
    """The CSS class of the avatar's colour."""
    return f"avatar-{avatar_color(name)}"
