#!/bin/sh
# Entry point of gha-ephemeral/dind: one job's own Docker engine, run as a sidecar of its runner. It listens on
# tcp://0.0.0.0:2375 without TLS because only the runner's private network reaches it; the host's socket is never
# involved. DIND_DOCKERD_ARGS, when set, are dockerd's flags as they are (say "--storage-driver=vfs
# --iptables=false", which work in any container). Unset: dockerd picks its storage driver (overlay2 on the
# /var/lib/docker volume, vfs where overlay cannot mount), and iptables is used when it works here, since without
# it the containers a job runs reach nothing beyond this engine. Arguments to the container go to dockerd too.
set -eu

if [ -z "${DIND_DOCKERD_ARGS+set}" ]; then
  DIND_DOCKERD_ARGS=""
  if ! iptables -t nat -S >/dev/null 2>&1; then
    echo "dind: iptables does not work here; the containers of this engine get no network beyond it" >&2
    DIND_DOCKERD_ARGS="--iptables=false"
  fi
fi

# The container's own cgroup, as the kernel names it (v2: "0::/path"; v1: the memory controller's "N:memory:/path").
own_cgroup() {
  sed -n -e 's/^0::\(.*\)$/\1/p' -e 's/^[0-9]*:memory:\(.*\)$/\1/p' /proc/self/cgroup | head -n 1
}

# Cgroup v2 forbids processes in a cgroup whose controllers are delegated to children: move ours to a leaf first
# (as the official docker:dind does), so the nested engine can make its containers' cgroups beside it.
nest_cgroup_v2() {
  base=/sys/fs/cgroup${1%/}
  [ -f "$base/cgroup.controllers" ] && [ -w "$base/cgroup.subtree_control" ] || return 0
  mkdir -p "$base/init"
  xargs -rn1 <"$base/cgroup.procs" >"$base/init/cgroup.procs" 2>/dev/null || :
  sed -e 's/ / +/g' -e 's/^/+/' <"$base/cgroup.controllers" >"$base/cgroup.subtree_control" 2>/dev/null || :
}

cgroup_args=""
case " $DIND_DOCKERD_ARGS $* " in
*" --cgroup-parent"*) ;;
*)
  own=$(own_cgroup)
  [ -f /sys/fs/cgroup/cgroup.controllers ] && nest_cgroup_v2 "$own"
  # Sharing the host's cgroup namespace (--cgroupns=host), the nested containers would land beside the host's own
  # ones, outside this container's limits: put them under its cgroup instead.
  if [ -n "$own" ] && [ "$own" != / ]; then cgroup_args="--cgroup-parent=${own%/}/dind"; fi
  ;;
esac

# A restarted container keeps the stale pid files of the engine it ran before.
rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid

# shellcheck disable=SC2086 # DIND_DOCKERD_ARGS is a list of words.
exec dockerd --host=unix:///var/run/docker.sock --host=tcp://0.0.0.0:2375 --tls=false \
  $cgroup_args $DIND_DOCKERD_ARGS "$@"
