"""gunicorn settings for `make run`: two sync workers, one per core.

Each worker keeps its own read-only searcher and follows new index
generations on its own, so an indexer can publish while they serve.
"""

import os

bind = os.environ.get("SEARCH_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SEARCH_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("SEARCH_THREADS", "4"))
timeout = 30
graceful_timeout = 10
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
errorlog = "-"
loglevel = "info"
# gunicorn ≥ 25.1 opens a control socket shared by every gunicorn of the user
# (~/.gunicorn/gunicorn.ctl); several servers (tests, benchmarks) run side by side here.
control_socket_disable = True
