# shellcheck shell=bash
# find_busybox: prints the path of a static busybox on this host (a dynamic one cannot go into an image alone).
find_busybox() {
  for candidate in /bin/busybox /usr/bin/busybox; do
    # ldd fails on a static binary: that is the one we want.
    if [ -x "$candidate" ] && ! ldd "$candidate" >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
