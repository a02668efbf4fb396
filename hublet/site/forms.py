"""The Contact Us form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from hublet.sanitize import remove_control_characters


def _clean(value: str | None) -> str | None:
    return remove_control_characters(value).strip() if isinstance(value, str) else value


class ContactForm(FlaskForm):
    """Name, email, subject and message; every field is required."""

    name = StringField(
        "Name",
        filters=[_clean],
        validators=[DataRequired("Please enter your name."), Length(max=80)],
    )
    email = EmailField(
        "Email",
        filters=[_clean],
        validators=[
            DataRequired("Please enter your email address."),
            Length(max=254),
            Email("Please enter a valid email address.", check_deliverability=False),
        ],
    )
    subject = StringField(
        "Subject",
        filters=[_clean],
        validators=[DataRequired("Please enter a subject."), Length(max=200)],
    )
    message = TextAreaField(
        "Message",
        filters=[_clean],
        validators=[
            DataRequired("Please write your message."),
            Length(min=10, max=5000, message="Your message must be 10 to 5,000 characters."),
        ],
    )
