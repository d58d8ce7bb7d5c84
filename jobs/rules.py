"""Who sees a background job: the person who started it, and superusers. Its page, its status,
its file, its 重新运行 and the 后台任务 list all ask these two functions."""

from .models import Job


def jobs_visible_to(user):
    if not user.is_authenticated or not user.is_active:
        return Job.objects.none()
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def may_see(user, job):
    return user.is_authenticated and user.is_active and (user.is_superuser or job.created_by_id == user.pk)
