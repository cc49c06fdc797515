"""Entry module for Celery: `celery -A prepdeck.worker worker` (and `... beat`)."""

from celery.signals import worker_process_init

from prepdeck import create_app
from prepdeck.extensions import db

flask_app = create_app()
celery_app = flask_app.extensions["celery"]


@worker_process_init.connect
def dispose_inherited_connections(**_kwargs) -> None:
    # A forked child must not reuse the parent's pooled connections.
    with flask_app.app_context():
        db.engine.dispose(close=False)
