# Shared by the image build scripts: sourced, not run.

# build_if_changed WHO IMAGE CONTEXT [LABEL=VALUE...]
# Builds IMAGE from the CONTEXT folder unless the image present carries the same hash of its inputs (the base
# image's id and every file in CONTEXT) in its meridian.inputs label. Extra labels are added to the image.
# Untagged leftovers of earlier builds (ours only, by label) are pruned after a build.
build_if_changed() {
  local who="$1" image="$2" context="$3" base_id inputs present log
  shift 3
  base_id="$(docker image inspect -f '{{.Id}}' meridian/base:trixie)"
  inputs="$( (echo "$base_id"; cd "$context" && find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16)"
  present="$(docker image inspect -f '{{index .Config.Labels "meridian.inputs"}}' "$image" 2>/dev/null || true)"
  if [ "$present" = "$inputs" ]; then
    echo "$who: $image is up to date (inputs $inputs)"
    return 0
  fi
  echo "$who: building $image (inputs $inputs${*:+, $*})"
  local labels=(--label "meridian.inputs=$inputs")
  for label in "$@"; do labels+=(--label "$label"); done
  log="$(mktemp /tmp/meridian-image-build.XXXXXX.log)"
  if ! docker build "${labels[@]}" -t "$image" "$context" >"$log" 2>&1; then
    echo "$who: docker build failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
  rm -f "$log"
  docker image prune -f --filter "label=meridian.inputs" >/dev/null
  echo "$who: $image built"
}
