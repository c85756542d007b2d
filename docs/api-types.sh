#!/usr/bin/env bash
# Counts lockstep-core's public API types: the public classes, interfaces, enums, records and
# annotations in the packages core's module-info exports, nested ones included when every class
# around them is public too. Reads the compiled classes, so build first:
#   mvn -B -q -o -pl lockstep-core -DskipTests package && bash docs/api-types.sh
# Prints one line per exported package (public types, of which top-level, name) and the totals.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
classes="$root/lockstep-core/target/classes"
[ -d "$classes" ] || { echo "build lockstep-core first: $classes is missing" >&2; exit 1; }
total=0
total_top=0
for pkg in $(sed -n 's/^ *exports \([a-z.]*\);.*/\1/p' "$root/lockstep-core/src/main/java/module-info.java" | sort); do
  dir="$classes/${pkg//.//}"
  names=$(cd "$classes" && ls "${pkg//.//}"/*.class | sed 's/\.class$//; s#/#.#g')
  # javap prints each class's declaration; keep the public ones, then drop nested classes with a
  # non-public class around them and anonymous or local classes ($1, $1Local).
  public=$(javap -cp "$classes" $names | sed -n 's/^public .*\(class\|interface\|enum\|record\) \([A-Za-z0-9_.$]*\).*/\2/p' | sort -u)
  n=0
  top=0
  for c in $public; do
    ok=1
    outer="$c"
    while [[ "$outer" == *'$'* ]]; do
      outer="${outer%\$*}"
      grep -qxF "$outer" <<<"$public" || { ok=0; break; }
    done
    [[ "$c" =~ \$[0-9] ]] && ok=0
    n=$((n + ok))
    [[ "$c" == *'$'* ]] || top=$((top + 1))
  done
  printf '%4d %4d  %s\n' "$n" "$top" "$pkg"
  total=$((total + n))
  total_top=$((total_top + top))
done
printf '%4d %4d  total (public types, top-level)\n' "$total" "$total_top"
