#!/usr/bin/env bash
# `make demo`: migrate, load the demo (idempotent), collect static files, serve.
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
BIN=.venv/bin
mkdir -p var
$BIN/chiso migrate --noinput -v0
$BIN/chiso collectstatic --noinput -v0
$BIN/chiso demo
exec bash scripts/serve.sh "$HOST" "$PORT"
