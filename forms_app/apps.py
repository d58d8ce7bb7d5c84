from django.apps import AppConfig


class FormsAppConfig(AppConfig):
    """Home of the paper-form wizards (五个一活动备案表, 委员工作室建立申请表, 活动日统计表)."""

    name = "forms_app"
    verbose_name = "表格填报"
