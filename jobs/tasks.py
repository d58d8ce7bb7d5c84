"""What the worker runs for a job: one task, given the job's id (jobs/services.py does the work)."""

from django_tasks import task


@task()
def run_job(job_id):
    from .services import run

    run(job_id)
