#!/bin/sh
# The image's build stage (the Dockerfile runs this): builds the release binary with the Swift runtime linked in,
# strips it, and lays out under OUT exactly the files the runtime stage copies to its root:
#   OUT/usr/local/bin/mongodb_apikey_exporter
#   OUT/usr/local/libexec/swift-backtrace-static   (the toolchain's crash reporter, see SWIFT_BACKTRACE in the Dockerfile)
# deploy/image/check-rootfs.sh checks such an OUT in a Debian bookworm root filesystem without Docker.
# Usage: deploy/image/build.sh OUT [SCRATCH_PATH]   (run from the package root; SCRATCH_PATH defaults to .build)
set -eu
out=${1:?usage: build.sh OUT [SCRATCH_PATH]}
scratch=${2:-.build}

swift build -c release --static-swift-stdlib --product mongodb_apikey_exporter --scratch-path "$scratch"

# --strip-debug drops the DWARF (most of the binary) but keeps the symbol table, so the backtracer still names
# every function of a crash; line numbers are what it gives up.
install -D -m 0755 "$scratch/release/mongodb_apikey_exporter" "$out/usr/local/bin/mongodb_apikey_exporter"
strip --strip-debug "$out/usr/local/bin/mongodb_apikey_exporter"
# The binary links FoundationEssentials only: ICU (a call into Foundation's own API brings its 32 MiB of data) is
# refused here (see docs/ARCHITECTURE.md, "Image").
if nm "$out/usr/local/bin/mongodb_apikey_exporter" | grep -q icudt; then
  echo "build.sh: the binary links ICU (icudt): something calls Foundation's own API" >&2
  exit 1
fi

# The toolchain ships the static backtracer next to its runtime: /usr/libexec/swift/linux in the swift images.
swift_bin=$(command -v swift)
libexec=$(dirname "$(readlink -f "$swift_bin")")/../libexec/swift/linux
install -D -m 0755 "$libexec/swift-backtrace-static" "$out/usr/local/libexec/swift-backtrace-static"
strip "$out/usr/local/libexec/swift-backtrace-static"
