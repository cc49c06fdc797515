"""Background jobs of the question bank."""

from celery import shared_task

from prepdeck.decks import exports, imports


@shared_task(name="decks.run_import", acks_late=True)
def run_import(job_id: int) -> str:
    return imports.run(job_id)


@shared_task(name="decks.run_export", acks_late=True)
def run_export(job_id: int) -> str:
    return exports.run(job_id)
