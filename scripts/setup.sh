#!/usr/bin/env bash
# Creates .venv and installs the service (with test tools when given "dev").
# Idempotent: a second run only checks that everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
extras=${1:-}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
stamp=.venv/.installed-${extras:-runtime}
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  python -m pip install -q --upgrade "pip>=24" "setuptools<81" wheel
  if [ "$extras" = dev ]; then
    python -m pip install -q -e ".[dev]"
  else
    python -m pip install -q -e .
  fi
  # face_recognition 1.3.0 declares "dlib", which would compile from source: its real needs
  # (dlib-bin, face_recognition_models, Click, numpy, Pillow) are in pyproject.toml.
  python -m pip install -q --no-deps "face_recognition==1.3.0"
  touch "$stamp"
fi
python - <<'PY'
import face_recognition  # noqa: F401  (quits with a hint if pkg_resources is missing)
PY
