# syntax=docker/dockerfile:1
# Build: a Swift 6 toolchain image; deploy/image/build.sh links the Swift runtime statically, strips the binary and
# lays out /out (the binary and the toolchain's crash reporter).
FROM swift:6.2-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4-openssl-dev libisal-dev libyaml-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Tests/ too: without it SwiftPM looks for the test target in Sources/, which mixes C and Swift, and refuses to build.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY deploy/image/build.sh ./deploy/image/build.sh
RUN deploy/image/build.sh /out

# The runtime's files: Debian's libcurl, ISA-L (the exposition's deflate), libyaml (the config files) and CA bundle,
# reduced by deploy/image/runtime-root.sh to what the loader says the binaries load (deploy/image/CONTENTS.md).
# deploy/image/check-rootfs.sh rebuilds this stage without Docker and checks the result (see docs/DEPLOYMENT.md).
FROM debian:bookworm-slim AS runtime-root
COPY --from=build /out/ /
COPY deploy/image/runtime-root.sh /usr/local/sbin/runtime-root.sh
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 libisal2 libyaml-0-2 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && /usr/local/sbin/runtime-root.sh /runtime

# Run: nothing but /runtime (no shell, no package manager), as an unprivileged user.
FROM scratch
COPY --from=runtime-root /runtime/ /
# A crash prints a symbolicated backtrace of every thread on stderr (the static reporter needs no Swift runtime).
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=mentioned,interactive=no,swift-backtrace=/usr/local/libexec/swift-backtrace-static
USER 65534:65534
EXPOSE 10025
# The binary asks its own /-/healthy: the image has no shell and no curl. Pass the same --web.listen-address (and
# --web.config.file) as the exporter if you change them.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/mongodb_apikey_exporter", "--healthcheck"]
# Secrets by files: mount them (e.g. Docker or Kubernetes secrets) and point --atlas.private-key-file,
# --atlas.client-secret-file or the config file's *_file fields at them.
ENTRYPOINT ["/usr/local/bin/mongodb_apikey_exporter"]
