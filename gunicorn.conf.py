"""Gunicorn settings for Prepdeck's web process.

Run as `gunicorn -c gunicorn.conf.py "prepdeck:create_app()"` (what `make serve-prod` and the
image do). Every value comes from the environment, so the image, docker compose and a start by
hand share this one file. docs/deploy.md explains the topology around it.
"""

import os

# GUNICORN_BIND wins; otherwise HOST:PORT. Loopback by default because the app trusts one proxy
# hop of X-Forwarded-* in production (PROXY_FIX_HOPS): only a proxy should reach it. The image
# sets HOST=0.0.0.0, since there the container's network is the boundary.
bind = os.environ.get("GUNICORN_BIND") or (
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)

# gevent carries long-lived WebSockets in greenlets; gthread ties up one thread per socket, so
# with 50 threads only 50 clients can stay connected. Flask-SocketIO needs one worker per
# process, so scale out with more processes behind sticky sessions, not with WEB_CONCURRENCY.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gevent")
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # only gthread uses it
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))

# Never preload: the gevent worker must monkey-patch before the app (and psycopg, which picks
# its wait function on import) is loaded, and a config error must fail the worker's boot so
# that the master halts with exit code 3 instead of respawning it.
preload_app = False

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Below Docker's stop grace period (30 s in docker-compose.yml), so open requests finish
# before the container is killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# The app writes one JSON line per request with its request id; gunicorn's would duplicate it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn 27 otherwise creates ~/.gunicorn/gunicorn.ctl, which a read-only or homeless
# container user cannot, and which nothing here uses.
control_socket_disable = True

# The heartbeat file is touched constantly; on a container's overlay filesystem that can stall.
# /dev/shm is memory-backed and private to the container (or host), hence the noqa.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - see above
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):

    def on_starting(server):
        # Files left by an earlier run would be summed into this run's counters.
        folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))

    def child_exit(server, worker):
        # Keeps a dead worker's live gauges out of /metrics; its counters stay summed.
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
