"""Kinds of job for tests/test_jobs.py: small handlers that write reference rows (界别) with
progress, refuse, crash or make a file. The worker process the tests start imports this module
before it runs (tests/test_jobs.py:run_worker)."""

import os
import sys
import time
from pathlib import Path

from django.db import connection, transaction

from jobs.registry import job_kind
from lianxin_site.errors import DomainError
from people.models import Sector


def worker_env():
    """The environment of a `db_worker` process that a test starts: the test settings, on the test
    database this process uses, with the database task backend (settings/test.py reads these)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lianxin_site.settings.test",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "LIANXIN_TEST_DB": str(connection.settings_dict["NAME"]),
        "LIANXIN_TASKS_DB": "1",
    }


@job_kind("test_sectors", label="测试：添加界别")
def add_sectors(job, progress):
    """Adds params["count"] 界别, all or nothing. While the file params["hold"] exists it waits
    halfway (rows already written in its transaction), so that a test can kill the worker there."""
    count = job.params["count"]
    hold = job.params.get("hold")
    progress.reset(total=count)
    progress.note("正在添加界别")
    with transaction.atomic():
        for number in range(count):
            Sector.objects.create(name=f"测试界别{number:03d}")
            progress.update(1)
            while hold and number == count // 2 and Path(hold).exists():
                time.sleep(0.05)
    return {"message": f"已添加 {count} 个界别。", "redirect": "/admin/"}


@job_kind("test_refuse", label="测试：拒绝")
def refuse(job, progress):
    Sector.objects.create(name="不应留下的界别")
    job.keep_file("不应留下.txt", b"x")
    raise DomainError("文件里没有任何委员。")


@job_kind("test_crash", label="测试：出错")
def crash(job, progress):
    Sector.objects.create(name="不应留下的界别")
    raise RuntimeError("boom")


@job_kind("test_file", label="测试：导出")
def make_file(job, progress):
    job.keep_file("名单.csv", "姓名\n<b>王丽</b>\n".encode())
    return {"message": "导出完成。", "filename": "名单.csv"}
