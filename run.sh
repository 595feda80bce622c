#!/usr/bin/env bash
# callbridge launcher.
#   ./run.sh            build target/callbridge.jar when it is missing or older than the sources, then serve
#   ./run.sh test       run the whole test suite: the unit tests, then the packaged jar's own (mvn verify)
#   ./run.sh bench      run the benchmarks (JUnit tests tagged "benchmark"), printing their measurements
#   ./run.sh bench capacity   the capacity benchmark alone: server and emulate as processes, 250-2,000 calls
#   ./run.sh bench turns      the turn-taking benchmark alone: reply gaps, cut sentences, barge-in, per policy
#   ./run.sh help       these commands, then the jar's
#   ./run.sh ARGS...    build if needed, then run the jar with ARGS (e.g. ./run.sh talk --to +34...)
# It runs where you stand: relative paths in ARGS (--audio hola.wav, --script lines.txt), .env and the default
# ./records are read from your directory, not the repository's. Only the build looks in the repository.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
readonly REPO
readonly POM="$REPO/pom.xml"
readonly MIN_JAVA=21
readonly JAR="$REPO/target/callbridge.jar"

# Prints the feature release of a java binary (17, 21, 25...), or nothing when it does not run.
java_release() {
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

# A JDK >= 21: JAVA_HOME first, then java on PATH, then Debian's JVM directory (newest first).
find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  local dir
  for dir in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${dir%/}"); done
  for dir in "${candidates[@]}"; do
    if [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ]; then
      local release
      release=$(java_release "$dir/bin/java")
      if [ -n "$release" ] && [ "$release" -ge "$MIN_JAVA" ]; then
        echo "$dir"
        return 0
      fi
    fi
  done
  return 1
}

if ! JDK=$(find_jdk); then
  cat >&2 <<MSG
callbridge needs a JDK $MIN_JAVA or newer (java and javac), and none was found in JAVA_HOME, on PATH
or under /usr/lib/jvm. Install one, for example:
  sudo apt-get install openjdk-21-jdk-headless        (Debian 13 / Ubuntu 24.04)
  or Eclipse Temurin 21+ from https://adoptium.net     (Debian 12, which has no JDK 21 package)
then run ./run.sh again, or point JAVA_HOME at it.
MSG
  exit 1
fi
export JAVA_HOME="$JDK"
JAVA="$JDK/bin/java"
# Maven 3.8's own Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build (JEP 498).
if [ "$(java_release "$JAVA")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

need_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "callbridge builds with Apache Maven 3.8.7 or newer: sudo apt-get install maven" >&2
    exit 1
  fi
}

build_if_stale() {
  if [ ! -f "$JAR" ] || [ -n "$(find "$REPO/src" "$POM" -newer "$JAR" -print -quit)" ]; then
    need_maven
    echo "Building $JAR with $("$JAVA" -version 2>&1 | head -n 1)..." >&2
    mvn -B -q -ntp -Dstyle.color=never -f "$POM" -DskipTests package >&2
  fi
}

case "${1:-serve}" in
  test)
    need_maven
    shift
    # verify, not test: the *IT tests run the jar that package builds (failsafe, after surefire's tests).
    exec mvn -B -ntp -Dstyle.color=never -f "$POM" verify "$@"
    ;;
  bench)
    need_maven
    shift
    case "${1:-}" in
      capacity) shift; set -- -Dtest=CapacityBenchmark "$@" ;;
      turns) shift; set -- -Dtest=TurnTakingBenchmark "$@" ;;
    esac
    exec mvn -B -ntp -Dstyle.color=never -f "$POM" test -Dgroups=benchmark -Dtest.excludedGroups= "$@"
    ;;
  help | -h | --help)
    cat <<USAGE
usage: ./run.sh [test | bench | help | serve | talk ... | emulate ...]
  ./run.sh test [-Dtest=NAME]   run the test suite, the packaged jar's tests last (or the named tests)
  ./run.sh bench [capacity | turns]   run the benchmarks (or the capacity or turn-taking one alone)
  ./run.sh help                 this, then the commands of the jar, which run.sh builds when needed:
USAGE
    build_if_stale
    exec "$JAVA" -jar "$JAR" help
    ;;
  *)
    build_if_stale
    [ $# -eq 0 ] && set -- serve
    exec "$JAVA" -jar "$JAR" "$@"
    ;;
esac
