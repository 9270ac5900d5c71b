"""A small CPU-busy Python program profiled by the real PyPI agent `pyroscope-io`.

Usage: py_agent.py SERVER_URL SECONDS
It pushes to SERVER_URL as app `e2e.py.app` with tags env=e2e, then flushes on exit.
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
    pyroscope.configure(
        application_name="e2e.py.app",
        server_address=url,
        tags={"env": "e2e"},
        upload_interval=5,
    )
    work(time.time() + seconds)
    pyroscope.shutdown()


if __name__ == "__main__":
    main()
