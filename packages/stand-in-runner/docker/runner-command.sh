#!/bin/sh
# /home/runner/run.sh and ./bin/Runner.Listener, for when they are run directly instead of through the
# entrypoint: the runner program reads its own name to tell which one was asked for.
exec node /home/runner/dist/main.js "$0" "$@"
