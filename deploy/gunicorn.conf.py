"""Gunicorn settings for the Wijkprofiel app servers.

    gunicorn -c deploy/gunicorn.conf.py 'survey:create_app()'
    wijkprofiel serve --host 0.0.0.0 --port 8000          # the same, after the migrations

Every setting can be overridden from the environment (GUNICORN_CMD_ARGS, or the
WIJKPROFIEL_* variables below), so one file serves every machine. See deploy/README.md.

- workers: 2 x cores + 1 (gunicorn's rule of thumb), threads: 2 per worker (gthread), so a
  worker waiting on the database or on a slow phone still serves its other thread.
- preload_app off: each worker imports the app itself and opens its own database pool after
  the fork; a pool inherited through fork would share sockets between processes.
- timeout 30 s: a worker stuck longer than that is killed and replaced by the master;
  graceful_timeout 30 s: on SIGTERM (deploy, restart) running requests finish first, so a
  page being saved is either committed and acknowledged or not acknowledged at all.
- max_requests with jitter: workers are recycled now and then, which bounds any slow leak.
- access log to stdout in the combined format with the request time in microseconds (%(D)s);
  the query string is left out (`%(U)s`), since the letter's QR link carries the personal code.
"""

import multiprocessing
import os

bind = os.environ.get("WIJKPROFIEL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WIJKPROFIEL_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("WIJKPROFIEL_WORKER_CLASS", "gthread")
threads = int(os.environ.get("WIJKPROFIEL_THREADS", 2))
worker_connections = 1000
backlog = 2048
keepalive = 5
timeout = 30
graceful_timeout = 30
max_requests = 20000
max_requests_jitter = 2000
preload_app = False
# Request lines and headers: generous for forms, small enough to refuse abuse.
limit_request_line = 8190
limit_request_fields = 100

accesslog = os.environ.get("WIJKPROFIEL_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("WIJKPROFIEL_LOG_LEVEL", "info")
access_log_format = '%(h)s - - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s "%(a)s" %(D)s'
proc_name = "wijkprofiel"
# gunicorn 25+ opens a control socket at one fixed path per user; two servers on one machine
# would fight over it, and nothing here uses it
control_socket_disable = True


def post_fork(server, worker):
    """Drop any database connection inherited from the master (for example from running the
    migrations in `wijkprofiel serve`): each worker opens its own."""
    from survey import storage

    for engine in list(storage._engines.values()):
        engine.dispose(close=False)
