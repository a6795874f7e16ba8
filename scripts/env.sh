# Shared environment for Meridian scripts: sourced, not run.
# Helidon 4 needs Java 21+; the machine's default java is 17, so pick a newer JDK explicitly.
if [ -z "${MERIDIAN_JAVA_HOME:-}" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 \
                   /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    if [ -x "$candidate/bin/javac" ]; then MERIDIAN_JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${MERIDIAN_JAVA_HOME:-}" ]; then
  echo "meridian: no JDK 21+ found under /usr/lib/jvm; install one (e.g. apt-get install openjdk-21-jdk-headless on trixie)" >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$MERIDIAN_JAVA_HOME"
export PATH="$JAVA_HOME/bin:$PATH"
# Debian's python3 carries the Jupyter modules; a pyenv python3 may come first on PATH.
export MERIDIAN_PYTHON="${MERIDIAN_PYTHON:-/usr/bin/python3}"
export MERIDIAN_JUPYTER="${MERIDIAN_JUPYTER:-/usr/bin/jupyter}"
export TESTCONTAINERS_RYUK_DISABLED=true
MERIDIAN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MERIDIAN_ROOT
