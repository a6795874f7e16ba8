# Docker engine and the Meridian notebook images, for the Docker spawner and its tests.
# Sourced by scripts/setup.sh (apt_install comes from there).
apt_install docker.io debootstrap docker-registry

if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "meridian: Docker is not running; start it (sudo systemctl start docker) and rerun" >&2
    return 1
  fi
  echo "meridian: starting dockerd (log: /var/log/meridian-dockerd.log)"
  # setsid: the daemon must outlive the shell (and process group) that started it
  setsid nohup dockerd >/var/log/meridian-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "meridian: dockerd did not answer on /var/run/docker.sock within 60 s; see /var/log/meridian-dockerd.log" >&2
    return 1
  fi
fi

# The base image takes minutes (debootstrap) and is kept; the notebook image needs the kernel jar,
# so without one it is built later by the spawner module's pre-integration-test step of `mvn install`.
if [ -f "$MERIDIAN_ROOT/kernel/target/meridian-kernel.jar" ]; then
  "$MERIDIAN_ROOT/images/build.sh" \
    || echo "meridian: notebook image not built now; mvn install rebuilds it after the kernel (see above)" >&2
else
  "$MERIDIAN_ROOT/images/build-base.sh"
  echo "meridian: no kernel jar yet; mvn install builds the notebook image after the kernel"
fi
