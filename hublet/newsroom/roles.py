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

#: What a story's history and review pages do (beside the editor's buttons, which the editor
#: checks against ``ACTIONS``), and who may do it; each also needs the story check below.
STORY_ACTIONS = {
    "restore_revision": WRITERS,  # and may_edit
    "send_back": PUBLISHERS,
    "trash": WRITERS,  # and may_edit: an author their own draft
    "untrash": WRITERS,  # and may_edit
    "preview_link": WRITERS,  # and may_preview
}


def is_publisher(account: Account) -> bool:
    """True for editors and admins."""
    return account.role in PUBLISHERS or account.role == "admin"


def may_edit(account: Account, article: Article) -> bool:
    """Publishers edit any story; an author edits their own story while it is not published.

    Nobody edits a story in the trash (it could be published from there): restore it first."""
    return article.trashed_at is None and _may_touch(account, article)


def _may_touch(account: Account, article: Article) -> bool:
    """Who may edit the story, were it out of the trash: who may trash and restore it."""
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


def may_preview(account: Account, article: Article) -> bool:
    """Publishers, and the story's writer whatever its status, may share a preview link."""
    if is_publisher(account):
        return True
    return account.author_id is not None and article.author_id == account.author_id


def may_do_to(account: Account, action: str, article: Article) -> bool:
    """True when the account may do this history or review action to this story."""
    allowed = STORY_ACTIONS.get(action)
    if allowed is None or not (account.role in allowed or account.role == "admin"):
        return False
    if action == "preview_link":
        return may_preview(account, article)
    if action == "send_back":
        return True
    if action in ("trash", "untrash"):
        return _may_touch(account, article)
    return may_edit(account, article)
