#!/bin/sh
# The image's runtime root, laid out under DEST by the Dockerfile's runtime-root stage (debian:bookworm-slim with the
# runtime packages installed and the build stage's /out copied to /). The final stage is FROM scratch and copies DEST:
#   - the exporter and the crash reporter (from /out);
#   - every shared library they load, as the loader resolves them (ldd, i.e. ld.so --list), never a list by hand:
#     each copied once, as a regular file, under the directory the loader found it in; the loader itself at the
#     path the binaries name (PT_INTERP);
#   - the system CA bundle libcurl verifies with (ca-certificates);
#   - /etc/passwd and /etc/group naming uid and gid 65534 (nobody), the image's user;
#   - /var/lib/dpkg/status.d/: the dpkg record of each Debian package a copied library comes from, so that image
#     scanners see the packages and versions (as distroless images do).
# No shell, no package manager, nothing else. deploy/image/CONTENTS.md lists the result; check-rootfs.sh checks it.
# Usage: runtime-root.sh DEST
set -eu
dest=${1:?usage: runtime-root.sh DEST}
binaries="/usr/local/bin/mongodb_apikey_exporter /usr/local/libexec/swift-backtrace-static"

mkdir -p "$dest"
for binary in $binaries; do
  install -D -m 0755 "$binary" "$dest$binary"
done

# "libcurl.so.4 => /lib/x86_64-linux-gnu/libcurl.so.4 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)".
libraries=$(for binary in $binaries; do ldd "$binary"; done \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' | sort -u)
[ -n "$libraries" ] || { echo "runtime-root: ldd found no libraries" >&2; exit 1; }
for library in $libraries; do
  case $library in
    */ld-linux*) target=$library mode=0755 ;;  # the interpreter: the very path the binaries name; the kernel runs it
    *) target=$(readlink -f "$(dirname "$library")")/$(basename "$library") mode=0644 ;;
  esac
  install -D -m "$mode" "$(readlink -f "$library")" "$dest$target"
done

install -D -m 0644 "$(readlink -f /etc/ssl/certs/ca-certificates.crt)" "$dest/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$dest/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$dest/etc/group"

mkdir -p "$dest/var/lib/dpkg/status.d"
for library in $libraries; do
  dpkg -S "$library" 2>/dev/null || dpkg -S "$(readlink -f "$library")" 2>/dev/null || true
done | { cat; echo "ca-certificates: (the bundle is generated from it)"; } | sed 's/:.*//' | sort -u | while read -r package; do
  dpkg-query -s "$package" >"$dest/var/lib/dpkg/status.d/$package"
done
