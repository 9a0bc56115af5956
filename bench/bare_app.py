"""The framework's ceiling: a Flask app with one view that returns a short string."""

from flask import Flask

GREETING = "Hello, World!"

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return GREETING
