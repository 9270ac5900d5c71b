# syntax=docker/dockerfile:1
# Cinder in a container: `docker build -t cinder .`, then `docker compose up` (see README,
# Deployment). Two stages: the build runs exactly what `make build` runs (the server's
# deploy test compares the RUN lines below with the Makefile's `build` recipe); the runtime
# image holds only the binary (the web app is embedded in it).

# ---- build: tools, web app, server -------------------------------------------------------
FROM rust:1.95-bookworm AS build
# Node.js 20 for npm (wasm-opt comes from npm binaryen; scripts/bootstrap.sh runs npm ci).
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
COPY --from=node:20-bookworm-slim /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /src
# What the Makefile exports to every recipe.
ENV PATH=/src/tests/e2e/node_modules/.bin:/usr/local/cargo/bin:$PATH \
    TRUNK_SKIP_VERSION_CHECK=true
COPY . .
# `make build`, command by command (bootstrap-build, then build).
RUN scripts/bootstrap.sh build
RUN trunk build --release --locked --offline
RUN cargo build --release --locked -p cinder-server --features embed

# ---- runtime: the binary, a non-root user, the data volume ------------------------------
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /var/lib/pyroscope --shell /usr/sbin/nologin cinder \
    && mkdir -p /var/lib/pyroscope \
    && chown cinder:cinder /var/lib/pyroscope
COPY --from=build /src/target/release/cinder /usr/local/bin/cinder
ENV PYROSCOPE_STORAGE_PATH=/var/lib/pyroscope \
    PYROSCOPE_API_BIND_ADDR=:4040
USER 10001:10001
VOLUME /var/lib/pyroscope
EXPOSE 4040
# Slim images have no curl: the binary asks /healthz itself (same config as the server).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["/usr/local/bin/cinder", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/cinder"]
CMD ["server"]
