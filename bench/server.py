"""The benchmark's server: gunicorn with config/gunicorn.py, as production runs it, and its memory."""

import os
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    """gunicorn with config/gunicorn.py, as production runs it."""

    def __init__(self, env, port, workers):
        self.env = {**os.environ, **env, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-c",
                str(ROOT / "config" / "gunicorn.py"),
                "--access-logfile",
                "/dev/null",
                "config.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/bench/20k/", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(30)

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def cpu_seconds(pids):
    """{pid: CPU time (user and system) the process has used so far, in seconds} of the processes `pids`."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # gone since
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of proc(5))
    return used


def cpu_used(before, after):
    """The CPU seconds used between two cpu_seconds() readings; a process started in between counts from 0."""
    return sum(seconds - before.get(pid, 0) for pid, seconds in after.items())


def peak_rss_mb(pid):
    """The most memory the process has held (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
