#!/usr/bin/env bash
# check-layers.sh: core/'s folders are layers, listed here from the bottom
# up. A file may include headers of its own folder (by bare name) and of the
# folders below its own ("lib/arena.h"); an include of its own folder or of
# a folder above it by path fails the check, naming the file and line.
set -euo pipefail
cd "$(dirname "$0")/.."

LAYERS=(lib plugin experiment results analysis output run cli)

rank() {
  local i
  for i in "${!LAYERS[@]}"; do
    [ "${LAYERS[$i]}" = "$1" ] && { echo "$i"; return; }
  done
  echo -1
}

bad=0
for dir in core/*/; do
  folder=$(basename "$dir")
  mine=$(rank "$folder")
  if [ "$mine" -lt 0 ]; then
    echo "check-layers: core/$folder/ is not a known layer; add it to LAYERS in $0" >&2
    bad=1
    continue
  fi
  while IFS=: read -r file line inc; do
    inc=${inc#*\"}
    inc=${inc%\"*}
    case $inc in
      */*)
        theirs=$(rank "${inc%%/*}")
        if [ "$theirs" -lt 0 ] || [ "$theirs" -ge "$mine" ]; then
          echo "$file:$line: includes \"$inc\": core/$folder/ may include only ${LAYERS[*]:0:$mine} (and its own headers by bare name)" >&2
          bad=1
        fi
        ;;
      *)
        if [ ! -f "$dir$inc" ]; then
          echo "$file:$line: includes \"$inc\", which is not in core/$folder/" >&2
          bad=1
        fi
        ;;
    esac
  done < <(grep -Hn '^#[[:space:]]*include[[:space:]]*"' "$dir"*.[ch] || true)
done
[ "$bad" -eq 0 ] || { echo "check-layers: an include goes up a layer (order, bottom up: ${LAYERS[*]})" >&2; exit 1; }
