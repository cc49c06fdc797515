"""Baseline (a): a bare Flask app, no extensions, answering "hello". Served by the benchmark
with the same Gunicorn settings as Prepdeck:

    gunicorn -c gunicorn.conf.py --pythonpath bench/baselines hello_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    return "hello"
