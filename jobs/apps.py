from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = "后台任务"

    def ready(self):
        # Each app declares its kinds of job in its own `job_kinds.py` (people/job_kinds.py: the
        # roster's preview and import), so that the worker knows every kind it may be handed.
        autodiscover_modules("job_kinds")
