#!/usr/bin/python3
"""Docker HEALTHCHECK: the server answers its status API with the token it was given."""
import os
import sys
import urllib.request

port = os.environ.get("MERIDIAN_PORT", "8888")
base = os.environ.get("MERIDIAN_BASE_URL", "/")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}{base}api/status",
    headers={"Authorization": "token " + os.environ.get("JUPYTER_TOKEN", "")})
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as error:  # any failure means unhealthy; say why in `docker inspect`
    print(error)
    sys.exit(1)
