#!/usr/bin/env bash
# Checks that the build is reproducible: builds the project twice (`./mvnw -B package -DskipTests`),
# each time in a fresh copy of the working tree at another path, the second with another time zone,
# locale and umask (002 instead of the usual 022), then compares the SHA-256 of every jar (classes,
# sources, Javadoc, benchmarks) and of lb-bom's published pom. Exits 0 when every file is identical,
# 1 when one differs or is missing from a build, 2 when a build fails.
#
# The jars record the files' permissions with group and others' write bits cleared, so umasks 022
# and 002 give the same jars; an owner-only umask (077) gives other ones: release with 022 or 002.
#
# Usage, from anywhere: release/check-reproducible.sh [MAVEN ARGS...]   (e.g. -o to stay offline)
# KEEP=1 keeps the two copies (their path is printed) to look into a difference, e.g. with diffoscope.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/roundabout-reproducible.XXXXXX")"
if [[ "${KEEP:-0}" == 1 ]]; then
  echo "copies kept in $work"
else
  trap 'rm -rf "$work"' EXIT
fi

# A copy of the working tree: tracked files and new ones git does not ignore, as they are now.
copy() {
  mkdir -p "$1"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard \
    | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$1"
}

# The files a build publishes or ships, relative to the copy: every jar, and lb-bom's flattened pom.
outputs() {
  (cd "$1" && find . -mindepth 3 -maxdepth 3 -path './*/target/*' \
    \( -name '*.jar' -o -name '.flattened-pom.xml' \) | sed 's|^\./||' | LC_ALL=C sort)
}

build() {
  local dir="$1"; shift
  echo "building in $dir ..."
  if ! (cd "$dir" && "$@" >"$dir.log" 2>&1); then
    echo "the build in $dir failed; the end of its log:" >&2
    tail -40 "$dir.log" >&2
    exit 2
  fi
}

copy "$work/first/roundabout"
copy "$work/second-build/roundabout"
start=$SECONDS
build "$work/first/roundabout" ./mvnw -B package -DskipTests "$@"
build "$work/second-build/roundabout" env TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 \
  bash -c 'umask 0002 && exec "$@"' _ ./mvnw -B package -DskipTests "$@"
echo "two builds in $((SECONDS - start)) s"

first="$work/first/roundabout"
second="$work/second-build/roundabout"
status=0
count=0
while IFS= read -r file; do
  count=$((count + 1))
  if [[ ! -f "$second/$file" ]]; then
    echo "MISSING from the second build: $file"
    status=1
    continue
  fi
  a="$(sha256sum <"$first/$file" | cut -d' ' -f1)"
  b="$(sha256sum <"$second/$file" | cut -d' ' -f1)"
  if [[ "$a" == "$b" ]]; then
    echo "same     $a  $file"
  else
    echo "DIFFERS  $a $b  $file"
    if [[ "$file" == *.jar ]]; then
      # Which entries differ: name, size and CRC of each, from both jars.
      diff <(unzip -v "$first/$file" | awk 'NR>3 {print $8, $1, $7}' | LC_ALL=C sort) \
           <(unzip -v "$second/$file" | awk 'NR>3 {print $8, $1, $7}' | LC_ALL=C sort) | head -20 || true
    fi
    status=1
  fi
done < <(outputs "$first")
while IFS= read -r file; do
  if [[ ! -f "$first/$file" ]]; then
    echo "MISSING from the first build: $file"
    status=1
  fi
done < <(outputs "$second")

if [[ $count -eq 0 ]]; then
  echo "no jar found: nothing was compared" >&2
  exit 1
fi
if [[ $status -eq 0 ]]; then
  echo "reproducible: $count files identical in both builds"
else
  echo "NOT reproducible (see above; KEEP=1 keeps the two copies)"
fi
exit $status
