# Build: the PostgreSQL client library is compiled in (pq-sys "bundled"), linked to OpenSSL.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/maillage /usr/local/bin/maillage

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /var/lib/maillage maillage \
    && mkdir -p /var/lib/maillage && chown maillage /var/lib/maillage
COPY --from=build /usr/local/bin/maillage /usr/local/bin/maillage
# The starter catalogue and the Dégooglisons file, for `maillage import`.
COPY --from=build /src/catalogue /usr/share/maillage/catalogue
# A numeric user, so that runtimes that check for a non-root user without reading
# /etc/passwd (Kubernetes' runAsNonRoot) can.
USER 10001
WORKDIR /var/lib/maillage
ENV MAILLAGE_DATA_DIR=/var/lib/maillage MAILLAGE_BIND=0.0.0.0:8080
EXPOSE 8080
# The binary asks its own /healthz: the image needs no curl.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["maillage", "healthcheck"]
CMD ["maillage", "serve"]
