"""Who may do what in the newsroom (admins may do everything: see ``auth.has_role``)."""

from __future__ import annotations

from hublet.models import Account, Article

#: Who may open the newsroom, write and save stories.
WRITERS = ("author", "editor")
#: Who may publish, schedule and unpublish any story, and edit any story.
PUBLISHERS = ("editor",)

#: What each button of the story editor does, and who may press it.
ACTIONS = {
    "save": WRITERS,
    "submit": WRITERS,
    "publish": PUBLISHERS,
    "schedule": PUBLISHERS,
    "unpublish": PUBLISHERS,
}


def is_publisher(account: Account) -> bool:
    """True for editors and admins."""
    return account.role in PUBLISHERS or account.role == "admin"


def may_edit(account: Account, article: Article) -> bool:
    """Publishers edit any story; an author edits their own story while it is not published."""
    if is_publisher(account):
        return True
    return (
        account.author_id is not None
        and article.author_id == account.author_id
        and article.status == "draft"
    )


def may_do(account: Account, action: str) -> bool:
    """True when the account's role may press this button."""
    allowed = ACTIONS.get(action)
    return allowed is not None and (account.role in allowed or account.role == "admin")
