# syntax=docker/dockerfile:1
# Build: a Swift 6 toolchain image; the binary links the Swift runtime statically.
FROM swift:6.2-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4-openssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product mongodb_apikey_exporter \
    && install -D .build/release/mongodb_apikey_exporter /out/mongodb_apikey_exporter

# Run: a slim Debian with libcurl and the CA bundle only, as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/mongodb_apikey_exporter /usr/local/bin/mongodb_apikey_exporter
USER 65534:65534
EXPOSE 10025
# The binary asks its own /-/healthy: the image needs no curl. Pass the same --web.listen-address (and
# --web.config.file) as the exporter if you change them.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/mongodb_apikey_exporter", "--healthcheck"]
# Secrets by files: mount them (e.g. Docker or Kubernetes secrets) and point --atlas.private-key-file,
# --atlas.client-secret-file or the config file's *_file fields at them.
ENTRYPOINT ["/usr/local/bin/mongodb_apikey_exporter"]
