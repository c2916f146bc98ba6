# otelcol-bridge container image: the static binary on an empty base, run as UID 10001.
#
#   make build && docker build -t otelcol-bridge:0.1.0-dev .
#
# The binary must be built first (`make build` sets CGO_ENABLED=0, so it is static and needs
# no libc). The only file taken from elsewhere is the CA bundle for TLS to backends, which
# scratch lacks.
FROM alpine:3.22 AS certs

FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY bin/otelcol-bridge /otelcol-bridge
USER 10001:10001
# OTLP gRPC/HTTP, Jaeger gRPC/Thrift HTTP/UDP, Zipkin, Datadog, health_check, own metrics.
EXPOSE 4317 4318 14250 14268 6831/udp 6832/udp 9411 8126 13133 8888
ENTRYPOINT ["/otelcol-bridge"]
# The image carries no configuration: mount one at this path (the Helm chart mounts its
# ConfigMap here), or pass another --config. distro/config.yaml is not baked in because it
# binds localhost only and writes ./data, which a read-only scratch root cannot hold.
CMD ["--config=/etc/otelcol-bridge/config.yaml"]
