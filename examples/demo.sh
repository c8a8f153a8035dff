#!/usr/bin/env bash
# `make demo`: a TCP server and a client, each a Python program in its own
# wasm guest, both inside ONE pysocket host process, talking over loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=$(mktemp -d)
trap 'rm -rf "$shared"' EXIT
echo "== pysocket demo: two Python guests in one host process =="
start=$(date +%s%N)
./target/release/pysocket python --timings \
    --allow-bind 127.0.0.1:0 --allow-net 127.0.0.1 --dir "$shared::/shared" \
    examples/echo_server.py /shared --and examples/echo_client.py /shared
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
printf '== done: the whole host process ran for %d.%03d s ==\n' $((ms / 1000)) $((ms % 1000))
