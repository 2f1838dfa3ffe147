#!/usr/bin/env bash
# Builds the image's root filesystem without Docker and checks the exporter in it, as the image runs it:
#   1. debootstrap --variant=minbase bookworm, slimmed as debian:bookworm-slim is (its dpkg excludes and apt
#      clean-up), with bookworm, bookworm-updates and bookworm-security as that image's sources: the runtime-root
#      stage's base;
#   2. that stage's COPYs (OUT, what deploy/image/build.sh lays out, as COPY --from=build /out/ / does, and
#      runtime-root.sh) and its RUN (read from the Dockerfile) in a chroot, which lays out /runtime;
#   3. /runtime is the image (the final stage is FROM scratch and copies it): its size (at most 100 MiB) and files
#      (no shell, package manager or ICU), then, as the Dockerfile's USER in a chroot, with its ENV and nothing else:
#      --version; --demo until /-/ready; a scrape checked by promtool; the HEALTHCHECK command (0 while up, 1 once
#      down); SIGTERM exits 0; libcurl verifies TLS with the system CA bundle and with --atlas.ca-file; a crash
#      prints a symbolicated backtrace.
# Needs root, debootstrap, curl, openssl, promtool (Debian's prometheus), and the Debian mirror. Exits non-zero on any
# failed check. Binds 127.0.0.1 only (a chroot shares the host's network).
# --manifest FILE writes the image's files (bytes, path) to FILE: ImageContentsTests holds deploy/image/CONTENTS.md to
# deploy/image/rootfs.manifest, written so.
# Usage: deploy/image/check-rootfs.sh [--keep] [--work DIR] [--manifest FILE] OUT
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
dockerfile=$repo/Dockerfile
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
keep=0
work=""
manifest=""
while [ $# -gt 1 ]; do
  case $1 in
    --keep) keep=1; shift ;;
    --work) work=$2; shift 2 ;;
    --manifest) manifest=$(realpath -m "$2"); shift 2 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--keep] [--work DIR] [--manifest FILE] OUT" >&2; exit 2; }
out=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { echo "check-rootfs: needs root (debootstrap, chroot)" >&2; exit 2; }
for tool in debootstrap curl openssl promtool python3; do
  command -v "$tool" >/dev/null || { echo "check-rootfs: $tool is missing" >&2; exit 2; }
done

work=${work:-$(mktemp -d /tmp/check-rootfs.XXXXXX)}
mkdir -p "$work"
rootfs=$work/rootfs
root=$rootfs/runtime
pids=()
started=$SECONDS

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for mount in "$root/dev" "$root/proc" "$rootfs/dev" "$rootfs/proc"; do
    if mountpoint -q "$mount"; then umount -l "$mount" || true; fi
  done
  if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

step() { echo "== [$((SECONDS - started))s] $*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

# --- What the Dockerfile says about the runtime-root stage and the final one ------------------------------------
# One instruction per line: continuations joined, comments dropped; the stages split at FROM.
instructions=$(sed -e '/^[[:space:]]*#/d' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
stage() { printf '%s\n' "$instructions" | awk -v from="$1" '/^FROM /{s = ($0 ~ from)} s'; }
final=$(printf '%s\n' "$instructions" | awk '/^FROM /{s=""} {s=s $0 "\n"} END{printf "%s", s}')
instruction() { printf '%s\n' "$final" | sed -n "s/^$1 //p" | tail -n 1; }
[ "$(printf '%s\n' "$final" | sed -n 's/^FROM //p')" = scratch ] || fail "the final stage should be FROM scratch"
[ "$(instruction COPY)" = "--from=runtime-root /runtime/ /" ] || fail "the final stage should copy /runtime only"
runtime_stage=$(stage ' AS runtime-root$')
[ "$(printf '%s\n' "$runtime_stage" | head -n 1)" = "FROM debian:bookworm-slim AS runtime-root" ] \
  || fail "no runtime-root stage FROM debian:bookworm-slim"
run=$(printf '%s\n' "$runtime_stage" | sed -n 's/^RUN //p')
[ "$(printf '%s\n' "$run" | wc -l)" = 1 ] || fail "the runtime-root stage should have exactly one RUN"
copies=$(printf '%s\n' "$runtime_stage" | sed -n 's/^COPY //p')
[ "$(printf '%s\n' "$copies" | head -n 1)" = "--from=build /out/ /" ] || fail "the runtime-root stage should copy /out first"
user=$(instruction USER)
env_line=$(instruction ENV)
swift_backtrace=$(printf '%s' "$env_line" | sed -n 's/^SWIFT_BACKTRACE=//p')
{ [ -n "$user" ] && [ -n "$swift_backtrace" ]; } || fail "the final stage's USER or ENV SWIFT_BACKTRACE is missing"
entrypoint=$(instruction ENTRYPOINT | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
healthcheck=$(instruction HEALTHCHECK | sed -n 's/.*CMD //p' | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
[ -x "$out$entrypoint" ] || fail "$out$entrypoint (the ENTRYPOINT) is not in OUT"
echo "runtime-root RUN: $run"
echo "USER $user; SWIFT_BACKTRACE=$swift_backtrace; ENTRYPOINT $entrypoint; HEALTHCHECK $healthcheck"

# --- 1. debian:bookworm-slim, rebuilt --------------------------------------------------------------------------
step "debootstrap --variant=minbase bookworm"
timeout 900 debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
# The slim variant's dpkg excludes (debuerreotype's .slimify-excludes/-includes), for what apt installs next...
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/all_languages
path-include /usr/share/locale/currency/*
path-include /usr/share/locale/l10n/*
path-include /usr/share/locale/languages
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
EOF
# ...and the same applied to what debootstrap installed.
(
  cd "$rootfs/usr/share"
  find doc -mindepth 1 ! -type d ! -path 'doc/*/copyright' -delete
  rm -rf groff/* info/* linda/* lintian/overrides/* man/*
  find locale -mindepth 1 -maxdepth 1 ! -name all_languages ! -name currency ! -name l10n ! -name languages \
    ! -name locale.alias -exec rm -rf {} +
)
# No apt caches, as the image's apt.conf.d/docker-clean has it.
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/*
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# Sizes in MiB as an image counts them (the files' bytes, as in its layers' tars), not the disk blocks they take.
mib() { du -smx --apparent-size "$@" | cut -f1; }
base_mib=$(mib "$rootfs")

mount -t proc proc "$rootfs/proc"
mount --bind /dev "$rootfs/dev"

# --- 2. the runtime-root stage: its COPYs, then its RUN -------------------------------------------------------
step "runtime-root stage: COPY, RUN in the chroot"
while read -r source destination; do
  case $source in
    --from=build) cp -a "$out/." "$rootfs/" ;;  # COPY --from=build /out/ /
    *) install -D -m 0755 "$repo/$source" "$rootfs$destination" ;;
  esac
done < <(printf '%s\n' "$copies" | sed 's|^--from=build /out/ /|--from=build /|')
timeout 600 chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c "$run" >"$work/run.log" 2>&1 || { tail -n 20 "$work/run.log" >&2; fail "the runtime-root stage's RUN"; }
grep -E '^Setting up ' "$work/run.log" | sed 's/^Setting up /  installed /'

# --- 3. /runtime, the image: size and contents, then the checks ----------------------------------------------
total_mib=$(mib "$root")
step "image root filesystem: ${total_mib} MiB ($(du -smx "$root" | cut -f1) MiB on disk; the slim base was ${base_mib} MiB)"
(cd "$root" && find . -type f -printf '%s %P\n' | sort -k2) >"$work/manifest"
awk '{ printf "  %8.2f MiB  /%s\n", $1 / 1048576, $2 }' "$work/manifest"
[ -z "$manifest" ] || cp "$work/manifest" "$manifest"
[ "$total_mib" -le 100 ] || fail "the image is ${total_mib} MiB, more than 100"
if find "$root" ! -type d \( -name sh -o -name bash -o -name dash -o -name apt -o -name dpkg -o -name 'libicu*' \) | grep .; then
  fail "a shell, a package manager or ICU is in the image"
fi
# What a container engine provides in any image: /proc and /dev mounted, a writable /tmp here for this check's files.
mkdir -p "$root/proc" "$root/dev" "$root/tmp"
chmod 1777 "$root/tmp"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"

# The prefix that runs a command in the chroot as the image does: the Dockerfile's USER and ENV, nothing of the host's.
as_image=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent SWIFT_BACKTRACE="$swift_backtrace"
  "$(command -v chroot)" --userspec="$user" "$root")
# Starts the exporter in the background with the given flags; sets $exporter_pid, $exporter_log and $port.
start_exporter() {
  exporter_log=$work/exporter.$RANDOM.log
  "${as_image[@]}" "$entrypoint" "$@" --web.listen-address 127.0.0.1:0 >"$exporter_log" 2>&1 &
  exporter_pid=$!
  pids+=("$exporter_pid")
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/.*msg=listening address=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$exporter_log")
    [ -n "$port" ] && return 0
    kill -0 "$exporter_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$exporter_log" >&2
  fail "the exporter did not listen within 10 s"
}
# Waits (at most 15 s) for the exporter's log to match a pattern.
wait_log() {
  for _ in $(seq 150); do
    grep -qE "$1" "$exporter_log" && return 0
    sleep 0.1
  done
  cat "$exporter_log" >&2
  fail "no log line matching $1"
}
# Waits (at most $1 s) for the exporter to exit; sets $exit_status.
wait_exporter() {
  timeout "$1" tail --pid="$exporter_pid" -f /dev/null || fail "the exporter did not exit within $1 s"
  exit_status=0
  wait "$exporter_pid" || exit_status=$?
}
# Runs the HEALTHCHECK command against $port; sets $health to its exit status.
run_healthcheck() {
  health=0
  # shellcheck disable=SC2086 # the command's words, as Docker runs them
  timeout 15 "${as_image[@]}" $healthcheck --web.listen-address "127.0.0.1:$port" || health=$?
}

step "--version as $user"
version=$(timeout 10 "${as_image[@]}" "$entrypoint" --version) || fail "--version"
echo "  $version"

step "--demo until /-/ready"
ready_started=$(date +%s%N)
start_exporter --demo
ready=""
for _ in $(seq 300); do
  if curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$port/-/ready" 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { cat "$exporter_log" >&2; fail "/-/ready did not answer 200 within 30 s"; }
echo "  ready after $(( ($(date +%s%N) - ready_started) / 1000000 )) ms"

step "scrape checked by promtool"
curl -fsS --max-time 10 --compressed "http://127.0.0.1:$port/metrics" -o "$work/scrape.txt" || fail "scrape"
promtool check metrics <"$work/scrape.txt" || fail "promtool check metrics"
grep -Eq '^mongodb_apikey_exporter_collector_success\{.*collector="keys".*\} 1$' "$work/scrape.txt" || fail "no successful poll in the scrape"
echo "  $(grep -vc '^#' "$work/scrape.txt") samples"

step "HEALTHCHECK ($healthcheck) while up"
run_healthcheck
[ "$health" = 0 ] || fail "HEALTHCHECK exited $health while up"

step "SIGTERM"
kill -TERM "$exporter_pid"
wait_exporter 15
[ "$exit_status" = 0 ] || { cat "$exporter_log" >&2; fail "SIGTERM: exit status $exit_status"; }
run_healthcheck
[ "$health" = 1 ] || fail "HEALTHCHECK exited $health once the exporter is down (expected 1)"
echo "  exit 0; HEALTHCHECK then exits 1"

step "libcurl verifies TLS with the system CA bundle and with --atlas.ca-file"
# A throwaway CA's server on 127.0.0.1: unknown to the bundle, curl says 60 (peer not verified); a missing or
# unreadable bundle would be 77. With the CA appended to the bundle, the TLS handshake succeeds.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/tls.key" -out "$work/tls.crt" -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || fail "openssl req"
tls_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl s_server -accept "127.0.0.1:$tls_port" -cert "$work/tls.crt" -key "$work/tls.key" -www -quiet \
  >"$work/s_server.log" 2>&1 &
pids+=("$!")
for _ in $(seq 50); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null; then break; fi
  sleep 0.1
done
bundle=$root/etc/ssl/certs/ca-certificates.crt
cp -a "$bundle" "$work/bundle.orig"
# A made-up key (the exporter requires one; this server never asks for it), removed with the CA afterwards.
printf 'not-a-real-key\n' >"$root/tmp/check-rootfs-key"
chmod 0644 "$root/tmp/check-rootfs-key"
install -m 0644 "$work/tls.crt" "$root/tmp/check-rootfs-ca.crt"
for trusted in no yes ca-file; do
  ca_file=()
  if [ "$trusted" = yes ]; then cat "$work/tls.crt" >>"$bundle"; fi
  if [ "$trusted" = ca-file ]; then cp -a "$work/bundle.orig" "$bundle"; ca_file=(--atlas.ca-file /tmp/check-rootfs-ca.crt); fi
  start_exporter --atlas.base-url "https://127.0.0.1:$tls_port/api/atlas/v2" --atlas.public-key abcdefgh \
    --atlas.private-key-file /tmp/check-rootfs-key --poll.interval 1h "${ca_file[@]}"
  wait_log 'msg="organization discovery failed"'
  kill -TERM "$exporter_pid"
  wait_exporter 15
  line=$(grep 'msg="organization discovery failed"' "$exporter_log" | head -n 1 | sed 's/.* err=//')
  echo "  CA trusted=$trusted: $line"
  if [ "$trusted" = no ]; then
    [[ $line == *"curl code 60"* ]] || fail "expected curl code 60 against an unknown CA"
  else
    [[ $line != *"transport error"* ]] || fail "TLS failed with the CA in the system bundle or --atlas.ca-file"
  fi
done
cp -a "$work/bundle.orig" "$bundle"
rm -f "$root/tmp/check-rootfs-key" "$root/tmp/check-rootfs-ca.crt"

step "a crash prints a symbolicated backtrace"
start_exporter --demo
# A SIGSEGV sent by kill(2) runs the runtime's crash handler; the handler then returns (there is no faulting
# instruction to rerun), so a second one, now at the default action, ends the process as a real fault would.
kill -SEGV "$exporter_pid"
wait_log '^Backtrace took '
kill -SEGV "$exporter_pid"
wait_exporter 15
[ "$exit_status" = 139 ] || fail "the crashed exporter exited $exit_status (expected 139, SIGSEGV)"
# The crashed thread's frames must name functions of the binary (its symbol table), not "<unknown>".
frames=$(sed -n '/ crashed:$/,/^Registers:$/p' "$exporter_log" | grep -E '^ *[0-9]+ ' || true)
printf '%s\n' "$frames" | sed 's/^/  /'
printf '%s\n' "$frames" | grep -Eq ' [A-Za-z_$][^ ]* \+ [0-9]+ in mongodb_apikey_exporter' \
  || { cat "$exporter_log" >&2; fail "the backtrace names no function of the exporter"; }

step "all checks passed; root filesystem ${total_mib} MiB; $((SECONDS - started)) s"
