#!/usr/bin/env bash
# Sets everything up (.venv) and runs the service with its demo office on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/attendance demo "$@"
