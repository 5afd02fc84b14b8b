# Shared setup of the bench/scripts/run-*.sh scripts; source it after setting root.
# Sets java_bin (JAVA, else a JDK >= 25 from JAVA_HOME or /usr/lib/jvm), python_bin (PYTHON, else
# Debian's /usr/bin/python3, which has python3-torch) and stamp, and builds bench/target/benchmarks.jar.

find_java() {
  if [ -n "${JAVA:-}" ]; then echo "$JAVA"; return; fi
  for j in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')
    if [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$j"; return; fi
  done
  echo "no JDK >= 25 found (set JAVA or JAVA_HOME; e.g. install temurin-25-jdk)" >&2
  exit 1
}

build_bench() {
  (cd "$root" && { mvn -q -o package -pl bench -am -DskipTests || mvn -q package -pl bench -am -DskipTests; })
}

java_bin="$(find_java)"
python_bin="${PYTHON:-/usr/bin/python3}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$root/bench/results"
