"""Private files: uploaded rosters and spreadsheets hold members' phones and 委员证号, so they are
kept under PRIVATE_ROOT, a folder the web server never serves (unlike MEDIA_ROOT), and handed out
only by views that check the user's role. A private file has no URL: asking for one is a bug."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


class PrivateStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("私有文件没有公开地址：请通过检查权限的下载视图提供。")


def private_storage():
    """The storage for private uploads (STORAGES["private"]); a callable, so that models and
    migrations name it without fixing its location."""
    return storages["private"]


def private_root():
    return settings.STORAGES["private"]["OPTIONS"]["location"]
