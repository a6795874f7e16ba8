# JDK 17, the oldest JDK the Java kernel runs on: KernelProtocolIT runs the interrupt tests on it too.
# It is Debian bookworm's default JDK; where the release has none, that test is skipped.
if apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then
  apt_install openjdk-17-jdk-headless
fi
