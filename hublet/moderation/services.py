"""What moderators change; every change is written to the audit log in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from hublet import signals
from hublet.comments import rules
from hublet.comments.services import delete_comment, set_comment_status
from hublet.extensions import db
from hublet.models import Article, AuditEntry, Comment, ContactMessage, Moderator
from hublet.timeutil import utcnow


@dataclass(frozen=True)
class CommentAction:
    """One thing a moderator can do to a comment."""

    name: str
    label: str
    done: str  # past tense, for the message after it
    status: str | None  # the comment's new status; None deletes it


COMMENT_ACTIONS = {
    action.name: action
    for action in (
        CommentAction("approve", "Approve", "approved", "approved"),
        CommentAction("unapprove", "Unapprove", "unapproved", "pending"),
        CommentAction("spam", "Spam", "marked as spam", "spam"),
        CommentAction("notspam", "Not spam", "marked as not spam", "pending"),
        CommentAction("trash", "Trash", "moved to the trash", "trash"),
        CommentAction("restore", "Restore", "restored", "pending"),
        CommentAction("delete", "Delete permanently", "deleted permanently", None),
    )
}

# The buttons each tab shows, in order.
ACTIONS_BY_STATUS = {
    "pending": ("approve", "spam", "trash"),
    "approved": ("unapprove", "spam", "trash"),
    "spam": ("notspam", "delete"),
    "trash": ("restore", "delete"),
}

ARTICLE_FLAGS = {"featured": "is_featured", "hot": "is_hot"}


def record(
    moderator: Moderator, action: str, item_type: str, item_id: int | None, detail: str = ""
) -> None:
    """Add an audit entry to the current transaction (the caller commits)."""
    db.session.add(
        AuditEntry(
            moderator_id=moderator.id,
            moderator_name=moderator.username,
            action=action,
            item_type=item_type,
            item_id=item_id,
            detail=detail[:2000],
        )
    )


def moderate_comment(moderator: Moderator, comment: Comment, action: CommentAction) -> None:
    """Apply ``action`` to the comment, keeping the article's comment count right."""
    detail = f"by {comment.author_name} on article #{comment.article_id}: {comment.status}"
    detail += f" -> {action.status}" if action.status else " -> deleted"
    record(moderator, action.name, "comment", comment.id, detail)
    if action.status is None:
        delete_comment(comment)
    else:
        set_comment_status(comment, action.status)


def moderate_comments(moderator: Moderator, comments: list[Comment], action: CommentAction) -> int:
    """Apply one action to many comments; returns how many were changed."""
    for comment in comments:
        moderate_comment(moderator, comment, action)
    return len(comments)


def set_article_flag(moderator: Moderator, article: Article, flag: str, value: bool) -> None:
    """Turn Featured or Hot on or off for an article."""
    attribute = ARTICLE_FLAGS[flag]
    if getattr(article, attribute) == value:
        return
    setattr(article, attribute, value)
    record(moderator, f"{flag}-{'on' if value else 'off'}", "article", article.id, article.title)
    db.session.commit()
    signals.article_changed.send(article.id)


def set_message_handled(moderator: Moderator, message: ContactMessage, handled: bool) -> None:
    """Mark a contact message handled, or not handled again."""
    if message.handled == handled:
        return
    message.handled = handled
    action = "message-handled" if handled else "message-unhandled"
    record(moderator, action, "contact_message", message.id, message.subject)
    db.session.commit()


def delete_message(moderator: Moderator, message: ContactMessage) -> None:
    """Delete a contact message for good."""
    record(moderator, "message-deleted", "contact_message", message.id, message.subject)
    db.session.delete(message)
    db.session.commit()


def save_comment_settings(moderator: Moderator, settings: rules.CommentSettings) -> None:
    """Store the comment rules' settings."""
    values = rules.settings_as_strings(settings)
    detail = "; ".join(f"{key.split('.')[-1]}={value!r}" for key, value in values.items())
    rules.save_settings(settings, commit=False)
    record(moderator, "settings-saved", "settings", None, detail)
    db.session.commit()


def log_in(moderator: Moderator) -> None:
    """Note the login time and the login itself."""
    moderator.last_login_at = utcnow()
    record(moderator, "login", "moderator", moderator.id)
    db.session.commit()


def log_out(moderator: Moderator) -> None:
    """End every session of this moderator on the server: their session version moves on."""
    moderator.session_version = (moderator.session_version or 0) + 1
    record(moderator, "logout", "moderator", moderator.id)
    db.session.commit()
