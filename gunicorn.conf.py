"""gunicorn reads this file from the working directory; values come from the environment."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "*"
