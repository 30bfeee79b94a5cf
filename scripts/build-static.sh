#!/usr/bin/env bash
# Builds the `casewatch` binary to deploy on a server without Swift: the Swift runtime, Foundation and Dispatch
# linked in (--static-swift-stdlib), release mode, in a build folder of its own (.build-static; a third full build,
# so not part of the test command). Then checks what it built: `ldd` must name no library of the Swift toolchain,
# and the binary must run with the toolchain hidden (a private mount namespace lays an empty folder over it).
# Prints the binary's path; copy it with the set-up (casewatch.yml, registry/, templates/, subscribers/,
# authorities/) to the server. Its run-time needs are Debian's libcurl4, libsqlite3-0 and libxml2 (and libc,
# libstdc++, zlib).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release --static-swift-stdlib --product casewatch --scratch-path .build-static
binary="$(swift build -c release --static-swift-stdlib --product casewatch --scratch-path .build-static --show-bin-path)/casewatch"

toolchain="$(dirname "$(dirname "$(command -v swift)")")"   # e.g. /opt/swift/usr
echo "checking $binary" >&2
libraries="$(ldd "$binary")"
echo "$libraries" >&2
if echo "$libraries" | grep -E "not found|$toolchain|libswift|libFoundation|libdispatch|libBlocksRuntime" >&2; then
  echo "build-static: the binary still needs the libraries above (Swift toolchain's or missing)" >&2
  exit 1
fi

# Run it where the toolchain cannot be found: an empty tmpfs over the toolchain's folder, in a mount namespace
# of this command's own (needs root or unprivileged user namespaces; skipped with a note otherwise).
hidden="$(cd "$toolchain/.." && pwd)"
if unshare --mount --map-root-user true 2>/dev/null || [ "$(id -u)" -eq 0 ]; then
  flags=(--mount); [ "$(id -u)" -eq 0 ] || flags+=(--map-root-user)
  version="$(unshare "${flags[@]}" sh -c "mount -t tmpfs none '$hidden' && '$binary' --version")"
  echo "with $hidden hidden: casewatch --version → $version" >&2
  [ -n "$version" ] || { echo "build-static: no version printed with the toolchain hidden" >&2; exit 1; }
else
  echo "build-static: cannot hide the toolchain here (no mount namespace); ldd's check above stands alone" >&2
fi
echo "$binary"
