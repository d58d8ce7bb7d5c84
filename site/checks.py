"""System checks for settings a wrong value of which would leak private data."""

from pathlib import Path

from django.conf import settings
from django.core import checks


def _inside(path, folder):
    if not folder:
        return False
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


@checks.register(checks.Tags.security, deploy=False)
def private_files_are_not_served(app_configs, **kwargs):
    """PRIVATE_ROOT must lie outside every folder the web server serves."""
    from .storage import private_root

    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        served = getattr(settings, name, None)
        if _inside(private_root(), served) or _inside(served, private_root()):
            errors.append(
                checks.Error(
                    f"PRIVATE_ROOT（{private_root()}）与 {name}（{served}）重叠：私有文件会被网站公开。",
                    hint="把 PRIVATE_ROOT 设到网站不提供访问的目录。",
                    id="lianxin.E001",
                )
            )
    return errors
