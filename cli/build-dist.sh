#!/usr/bin/env bash
# Builds voxelforge-dist/ at the repository root: a self-contained VoxelForge that needs no
# installed Java. Layout:
#   bin/voxelforge   launcher (runs ../runtime/bin/java on ../lib/*)
#   lib/             voxelforge-cli.jar and every runtime jar (cli/target/lib, copied by `mvn package`)
#   runtime/         a Java 25 runtime made by jlink with only the modules the jars use (per jdeps)
# Run after `mvn -DskipTests package -pl cli -am`, or let Maven run it: `mvn -Pdist -DskipTests package`.
# Budget: the whole folder stays under 50 MiB (checked at the end).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$root/voxelforge-dist"
tmp="$root/voxelforge-dist.tmp"
budget=$((50 * 1024 * 1024))

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

# A JDK >= 25 with jlink: VOXELFORGE_JDK, else JAVA_HOME if it is 25+, else the newest under /usr/lib/jvm.
find_jdk() {
  local c best="" bestv=0 v
  for c in "${VOXELFORGE_JDK:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/jlink" ] && [ -x "$c/bin/jdeps" ] || continue
    v=$(java_major "$c" || echo 0)
    if [ "${v:-0}" -ge 25 ] 2>/dev/null && [ "$v" -gt "$bestv" ]; then best="$c"; bestv="$v"; fi
    # an explicit choice wins over a newer JDK found by looking around
    if [ -n "$best" ] && { [ "$c" = "${VOXELFORGE_JDK:-}" ] || [ "$c" = "${JAVA_HOME:-}" ]; }; then break; fi
  done
  echo "$best"
}

jdk="$(find_jdk)"
if [ -z "$jdk" ]; then
  echo "build-dist: no JDK >= 25 with jlink found (looked at VOXELFORGE_JDK, JAVA_HOME, /usr/lib/jvm/*)." >&2
  echo "Install one (e.g. 'apt-get install temurin-25-jdk') or set VOXELFORGE_JDK." >&2
  exit 3
fi

jar="$here/target/voxelforge-cli.jar"
deps="$here/target/lib"
if [ ! -f "$jar" ] || [ ! -d "$deps" ]; then
  echo "build-dist: $jar or $deps is missing; run 'mvn -DskipTests package -pl cli -am' first." >&2
  exit 3
fi

rm -rf "$tmp"
mkdir -p "$tmp/bin" "$tmp/lib"
cp "$jar" "$deps"/*.jar "$tmp/lib/"

# The modules the jars need, plus the ones the launcher always asks for.
needed="$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$tmp"/lib/*.jar)"
modules="$(printf '%s\n' java.base jdk.incubator.vector java.logging ${needed//,/ } | sort -u | paste -sd, -)"
echo "[dist] jlink from $jdk, modules: $modules"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress zip-9 \
  --output "$tmp/runtime" 2>&1 | grep -v "Using incubator modules" || true
[ -x "$tmp/runtime/bin/java" ] || { echo "build-dist: jlink did not produce runtime/bin/java" >&2; exit 1; }

cat > "$tmp/bin/voxelforge" <<'LAUNCHER'
#!/usr/bin/env bash
# VoxelForge launcher: runs the bundled Java runtime; nothing needs to be installed.
# Extra JVM options: VOXELFORGE_JAVA_OPTS (e.g. "-Xmx16g -Dvoxelforge.threads=8").
set -euo pipefail
self="$(readlink -f "${BASH_SOURCE[0]}")"
home="$(cd "$(dirname "$self")/.." && pwd)"
exec "$home/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  ${VOXELFORGE_JAVA_OPTS:-} -cp "$home/lib/*" org.voxelforge.cli.Main "$@"
LAUNCHER
chmod +x "$tmp/bin/voxelforge"

size=$(du -sb "$tmp" | cut -f1)
rm -rf "$out"
mv "$tmp" "$out"
echo "[dist] $out: $((size / 1024 / 1024)) MiB ($size bytes; runtime $(du -sh "$out/runtime" | cut -f1), lib $(du -sh "$out/lib" | cut -f1))"
if [ "$size" -gt "$budget" ]; then
  echo "build-dist: $out is $size bytes, over the 50 MiB budget" >&2
  exit 1
fi
