"""gunicorn settings for Hublet: ``gunicorn -c deploy/gunicorn.conf.py 'app:app'``.

docs/deploy.md says why each value is what it is. Environment variables change the few that
differ between hosts; a command-line option (``--bind``, ``--workers``) overrides this file.
"""

import multiprocessing
import os

# Loopback: only nginx on this host may reach gunicorn. Several hosts: the private address.
bind = os.environ.get("HUBLET_BIND", "127.0.0.1:8000")

# The work is short and mostly CPU (rendering, cache reads): two processes per core.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
# sync workers: requests are fast and nginx buffers slow clients, so none waits on a reader.
worker_class = "sync"

# A stuck request is killed instead of holding a worker forever; a reload lets requests finish.
timeout = 30
graceful_timeout = 30

# Recycle each worker after about 50,000 requests (the jitter keeps them from restarting at once):
# memory stays flat over weeks. Not fewer: a new worker imports Hublet again (about 2 s of CPU),
# and a hot page from memory costs ~0.1 ms, so at 5,000 a busy worker restarted every few
# seconds and the restarts cost more than the pages (docs/bench.md).
max_requests = 50000
max_requests_jitter = 5000

# Whose X-Forwarded-Proto gunicorn believes: nginx on this host. The app decides for itself
# which proxies to believe about the client's address (HUBLET_TRUSTED_PROXY_NETWORKS).
forwarded_allow_ips = os.environ.get("HUBLET_FORWARDED_ALLOW_IPS", "127.0.0.1")

# The request log is nginx's; gunicorn logs its own errors to stderr.
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "hublet"
