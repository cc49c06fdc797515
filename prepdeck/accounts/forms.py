from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from prepdeck.accounts.services import MIN_PASSWORD_LENGTH


def email_field(label: str = "Email") -> EmailField:
    return EmailField(
        label,
        validators=[
            InputRequired(),
            Length(max=320),
            Email(message="Enter a valid email address."),
        ],
        render_kw={"autocomplete": "email"},
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        "Password",
        validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH, max=128)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters; a phrase of a few words is best.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[InputRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class RegisterForm(FlaskForm):
    email = email_field()
    display_name = StringField(
        "Display name",
        validators=[InputRequired(), Length(max=80)],
        render_kw={"autocomplete": "name"},
    )
    password, confirm = new_password_fields()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[InputRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")


class EmailOnlyForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[InputRequired(), Length(max=80)])


class ChangeEmailForm(FlaskForm):
    email = email_field("New email")
    current_password = PasswordField(
        "Current password", validators=[InputRequired(), Length(max=128)]
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()
