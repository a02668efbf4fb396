"""Deployment files: deploy/nginx.conf, deploy/gunicorn.conf.py, and the nginx runner (nginx.py)."""
