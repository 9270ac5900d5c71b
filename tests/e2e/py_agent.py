"""A small CPU-busy Python program profiled by the real PyPI agent `pyroscope-io`.

Usage: py_agent.py SERVER_URL SECONDS [APP]
It sends to SERVER_URL as APP (default `e2e.py.app`) with tags env=e2e, then flushes on
exit. 1.x pushes every 5 s; 0.8.x has no `upload_interval` and sends 10 s aligned windows.
"""
import sys
import time

import pyroscope


def hot_loop(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def work(deadline):
    while time.time() < deadline:
        hot_loop(200_000)


def main():
    url, seconds = sys.argv[1], float(sys.argv[2])
    app = sys.argv[3] if len(sys.argv) > 3 else "e2e.py.app"
    options = dict(application_name=app, server_address=url, tags={"env": "e2e"})
    try:
        pyroscope.configure(upload_interval=5, **options)
    except TypeError:  # 0.8.x: no upload_interval
        pyroscope.configure(**options)
    work(time.time() + seconds)
    pyroscope.shutdown()


if __name__ == "__main__":
    main()
