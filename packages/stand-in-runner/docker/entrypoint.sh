#!/bin/sh
# Hands the command (the CMD, or a replacement such as "/home/runner/run.sh --jitconfig X") to the runner
# program, which decides what to do; exec keeps it PID 1 so SIGTERM reaches it.
exec node /home/runner/dist/main.js "$@"
