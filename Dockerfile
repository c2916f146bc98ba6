# otelcol-bridge container image, the Dockerfile way. `make image` builds the same image
# without a Docker engine (tools/release, go-containerregistry); use this file where a
# Docker engine or BuildKit is at hand:
#
#   make image    # stages dist/image/rootfs-{amd64,arm64}: binary, CA bundle, passwd, config, SBOM
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg VERSION=... --build-arg REVISION=... --build-arg CREATED=... -t otelcol-bridge:TAG .
#
# tools/release's TestDockerfileEquivalent checks that this file puts the same files, user,
# entrypoint, command, ports and labels in the image as `make image`: keep them in step.
FROM scratch
ARG TARGETARCH
ARG VERSION=0.1.0-dev
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
# /otelcol-bridge (static), /etc/ssl/certs/ca-certificates.crt, /etc/passwd and /etc/group
# (UID/GID 10001), /etc/otelcol-bridge/config.yaml (distro/config.container.yaml: binds
# 0.0.0.0) and the SBOM under /usr/share/doc/otelcol-bridge.
COPY dist/image/rootfs-${TARGETARCH}/ /
USER 10001:10001
# OTLP gRPC/HTTP, Jaeger gRPC/Thrift HTTP/UDP, Zipkin, Datadog, own metrics, Prometheus exporter, health_check.
EXPOSE 4317/tcp 4318/tcp 14250/tcp 14268/tcp 6831/udp 6832/udp 9411/tcp 8126/tcp 8888/tcp 8889/tcp 13133/tcp
ENTRYPOINT ["/otelcol-bridge"]
CMD ["--config=/etc/otelcol-bridge/config.yaml"]
LABEL org.opencontainers.image.title=otelcol-bridge \
      org.opencontainers.image.source=https://github.com/otelcol-bridge/otelcol-bridge \
      org.opencontainers.image.version=${VERSION} \
      org.opencontainers.image.revision=${REVISION} \
      org.opencontainers.image.created=${CREATED} \
      org.opencontainers.image.licenses=Apache-2.0 \
      io.otelcol-bridge.sbom=/usr/share/doc/otelcol-bridge/sbom.cdx.json
