from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired


class BookSessionForm(FlaskForm):
    start = HiddenField(validators=[DataRequired("Choose a time.")])


class IntakeForm(FlaskForm):
    """Answers come as `answer-<question id>`; the questions are the coach's."""

    submit = SubmitField("Save my answers")
