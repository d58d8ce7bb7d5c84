from django.apps import AppConfig


class HandbookConfig(AppConfig):
    """履职心语遴选 and the 《委员履职手册》 (seed 000: 遴选优秀履职心语，通过《委员履职手册》等刊物发至全体委员)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "handbook"
    verbose_name = "委员履职手册"

    def ready(self):
        from .protection import register_in_reference_index

        register_in_reference_index()
