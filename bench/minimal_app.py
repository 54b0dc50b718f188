"""The baseline: a minimal Flask page served the same way as the site."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "<!doctype html><title>ok</title><p>ok</p>"
