from django.core.management.base import BaseCommand

from people.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "创建各角色用户组，并使其权限与 people/roles.py 中的定义完全一致。"

    def handle(self, *args, **options):
        sync_roles()
        for role in ROLES:
            self.stdout.write(f"{role.name}：{role.job}")
        self.stdout.write(self.style.SUCCESS(f"已同步 {len(ROLES)} 个角色。"))
