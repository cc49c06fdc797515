"""Background jobs of the question bank."""

from celery import shared_task

from prepdeck.decks import exports, imports, retention


@shared_task(name="decks.parse_import", acks_late=True)
def parse_import(job_id: int) -> str:
    return imports.parse(job_id)


@shared_task(name="decks.run_import", acks_late=True)
def run_import(job_id: int) -> str:
    return imports.run(job_id)


@shared_task(name="decks.run_export", acks_late=True)
def run_export(job_id: int) -> str:
    return exports.run(job_id)


@shared_task(name="decks.expire_job_files")
def expire_job_files() -> dict[str, int]:
    return retention.expire_job_files()
