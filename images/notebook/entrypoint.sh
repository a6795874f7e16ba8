#!/bin/bash
# Starts JupyterLab for one Meridian server. The hub (through its spawner) sets:
#   JUPYTER_TOKEN        the server token; the server accepts only it (required)
#   MERIDIAN_BASE_URL    the server's base URL on the hub, /user/{name}/{server}/ (default /)
#   MERIDIAN_PORT        port to listen on (default 8888)
# and further MERIDIAN_* variables that the kernel's platform extension reads.
set -euo pipefail
if [ -z "${JUPYTER_TOKEN:-}" ]; then
  echo "meridian-notebook: JUPYTER_TOKEN is not set; refusing to start a server without a token" >&2
  exit 64
fi
base_url="${MERIDIAN_BASE_URL:-/}"
case "$base_url" in /*/|/) ;; *) echo "meridian-notebook: MERIDIAN_BASE_URL must start and end with '/': $base_url" >&2; exit 64;; esac
# Containers reach no package index, so JupyterLab's extension manager and news feed stay off.
# The token reaches Jupyter Server through JUPYTER_TOKEN, never through the command line (ps shows that).
exec jupyter lab \
  --no-browser \
  --ServerApp.ip=0.0.0.0 \
  --ServerApp.port="${MERIDIAN_PORT:-8888}" \
  --ServerApp.port_retries=0 \
  --ServerApp.base_url="$base_url" \
  --ServerApp.root_dir="$HOME" \
  --ServerApp.allow_remote_access=True \
  --ServerApp.trust_xheaders=True \
  --LabApp.extension_manager=readonly \
  --LabApp.news_url=None \
  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  "$@"
