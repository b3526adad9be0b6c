#!/usr/bin/env bash
# Serves chiso through the ASGI server (uvicorn) as in production: DEBUG off, a secret
# key generated once into var/secret_key unless SECRET_KEY is set. Plain http on the
# loopback address, so cookies are not marked https-only here.
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
mkdir -p var
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s var/secret_key ] || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
  SECRET_KEY=$(cat var/secret_key)
  export SECRET_KEY
fi
export CHISO_SECURE_COOKIES=${CHISO_SECURE_COOKIES:-0}
echo "chiso: http://$HOST:$PORT/  (Ctrl+C để dừng / to stop)"
exec .venv/bin/uvicorn chiso.asgi:application --host "$HOST" --port "$PORT" --workers 1
