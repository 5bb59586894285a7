#!/bin/sh
# /home/runner/run.sh, /actions-runner/run.sh and ./bin/Runner.Listener, for when they are run directly instead
# of through the entrypoint: the runner program reads its own name to tell which one was asked for. A JIT config in
# ACTIONS_RUNNER_INPUT_JITCONFIG stays in this process's environment only: the program drops it before any step.
exec node /home/runner/dist/main.js "$0" "$@"
