"""A job's progress, in the `default` cache (Redis in production, so every app server reads what
the worker writes): how far (done of total), a note (“正在读取文件”), and the worker's heartbeat.

The handler gets a `Progress`, tqdm-like as people/roster.py's import already accepts:
`reset(total=N)`, `update(n=1)`, plus `note(text)`. Writes are throttled to one every half second,
so a handler may call update() on every row; while the handler runs, a heartbeat thread
(jobs/services.py) writes the time every few seconds, so a job whose worker died is told apart
from a slow one."""

import threading
import time

from django.core.cache import cache

WRITE_INTERVAL = 0.5  # seconds: the status page polls once a second
KEEP_SECONDS = 7 * 24 * 3600


def cache_key(job_id):
    return f"jobs:progress:{job_id}"


def read(job_id):
    """{done, total, note, beat} as last written, or None (not started, or the cache was cleared)."""
    return cache.get(cache_key(job_id))


class Progress:
    def __init__(self, job_id, interval=WRITE_INTERVAL):
        self.key = cache_key(job_id)
        self.interval = interval
        self.done = 0
        self.total = None
        self.text = ""
        self._written = 0.0
        self._lock = threading.Lock()

    def reset(self, total=None):
        self.done = 0
        self.total = total
        self._write(force=True)

    def update(self, n=1):
        self.done += n
        self._write()

    def note(self, text):
        self.text = str(text)
        self._write(force=True)

    def beat(self):
        """The worker is alive (called by the heartbeat thread)."""
        self._write(force=True)

    def _write(self, force=False):
        now = time.monotonic()
        if not force and now - self._written < self.interval:
            return
        with self._lock:
            self._written = now
            state = {"done": self.done, "total": self.total, "note": self.text, "beat": time.time()}
            cache.set(self.key, state, KEEP_SECONDS)


class Heartbeat:
    """A thread that calls progress.beat() every `every` seconds until stopped."""

    def __init__(self, progress, every):
        self.progress = progress
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-heartbeat", daemon=True)

    def _run(self):
        while not self._stop.wait(self.every):
            self.progress.beat()

    def __enter__(self):
        self.progress.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=self.every + 1)
