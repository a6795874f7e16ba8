# A real Keycloak for the hub's OIDC tests: the Quarkus distribution from Maven Central, unpacked once
# into a cache folder. Nothing is started here: the tests start `kc.sh start-dev` themselves on free
# ports with their own realm and stop it afterwards. Exports MERIDIAN_KEYCLOAK_HOME (idempotent).
keycloak_version="${MERIDIAN_KEYCLOAK_VERSION:-26.5.5}"
keycloak_cache="${MERIDIAN_KEYCLOAK_CACHE:-}"
if [ -z "$keycloak_cache" ]; then
  if [ -w /var/cache ] || [ -w /var/cache/meridian ]; then keycloak_cache=/var/cache/meridian/keycloak
  else keycloak_cache="$HOME/.cache/meridian/keycloak"; fi
fi
keycloak_home="$keycloak_cache/keycloak-$keycloak_version"
if [ ! -x "$keycloak_home/bin/kc.sh" ]; then
  mkdir -p "$keycloak_cache"
  echo "meridian: downloading Keycloak $keycloak_version (about 200 MB, once)"
  # Run outside the reactor, so Maven does not repeat the copy for every module.
  (cd "$keycloak_cache" && mvn -B -q dependency:copy \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$keycloak_version:tar.gz" -DoutputDirectory="$keycloak_cache")
  keycloak_tmp="$(mktemp -d "$keycloak_cache/unpack.XXXXXX")"
  tar -xzf "$keycloak_cache/keycloak-quarkus-dist-$keycloak_version.tar.gz" -C "$keycloak_tmp"
  rm -rf "$keycloak_home"
  mv "$keycloak_tmp/keycloak-$keycloak_version" "$keycloak_home"
  rmdir "$keycloak_tmp"
  rm -f "$keycloak_cache/keycloak-quarkus-dist-$keycloak_version.tar.gz"
fi
export MERIDIAN_KEYCLOAK_HOME="$keycloak_home"
