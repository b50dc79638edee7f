#!/bin/sh
# Start Vendure in the background, wait for READY, print start-up time. Usage: ./start.sh [logfile]
cd "$(dirname "$0")"
LOG=${1:-server.log}
S=$(date +%s%N)
VENDURE_DISABLE_TELEMETRY=true node index.js > "$LOG" 2>&1 &
echo $! > server.pid
while ! grep -q "READY\|Error" "$LOG"; do sleep 0.1; done
E=$(date +%s%N)
echo "wall start-up: $(( (E - S) / 1000000 )) ms; $(grep READY "$LOG")"
