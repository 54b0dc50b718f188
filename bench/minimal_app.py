"""The ceiling: a minimal Flask app rendering a small Jinja template, served like the site.

Its requests per second are what this machine, gunicorn and Flask give at most in the same
round; a page's ratio to it survives a busy machine better than its raw figures.
"""
from flask import Flask, render_template_string

app = Flask(__name__)

PAGE = """<!doctype html>
<html lang="it">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
<ul>
{% for item in items %}<li><a href="/items/{{ item.id }}">{{ item.name }}</a></li>{% endfor %}
</ul>
</body>
</html>
"""
ITEMS = [{"id": n, "name": f"Elemento {n}"} for n in range(10)]


@app.get("/")
def hello():
    return render_template_string(PAGE, title="Gemellaggi", items=ITEMS)
