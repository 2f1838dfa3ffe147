# syntax=docker/dockerfile:1
# Build: a Swift 6 toolchain image; deploy/image/build.sh links the Swift runtime statically, strips the binary and
# lays out /out as the runtime's root (the binary and the toolchain's crash reporter).
FROM swift:6.2-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4-openssl-dev libisal-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Tests/ too: without it SwiftPM looks for the test target in Sources/, which mixes C and Swift, and refuses to build.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY deploy/image/build.sh ./deploy/image/build.sh
RUN deploy/image/build.sh /out

# Run: a slim Debian with libcurl, ISA-L (the exposition's deflate) and the CA bundle only, as an unprivileged user.
# deploy/image/check-rootfs.sh rebuilds this stage without Docker and checks it (see README.md).
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 libisal2 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /
# A crash prints a symbolicated backtrace of every thread on stderr (the static reporter needs no Swift runtime).
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=mentioned,interactive=no,swift-backtrace=/usr/local/libexec/swift-backtrace-static
USER 65534:65534
EXPOSE 10025
# The binary asks its own /-/healthy: the image needs no curl. Pass the same --web.listen-address (and
# --web.config.file) as the exporter if you change them.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/mongodb_apikey_exporter", "--healthcheck"]
# Secrets by files: mount them (e.g. Docker or Kubernetes secrets) and point --atlas.private-key-file,
# --atlas.client-secret-file or the config file's *_file fields at them.
ENTRYPOINT ["/usr/local/bin/mongodb_apikey_exporter"]
