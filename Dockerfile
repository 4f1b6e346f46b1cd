# The bridge's image: a Maven build stage, then a JRE. Build:
#   docker build -t discord-bridge .
# Both bases can be replaced (no registry is reachable in the project's CI, which builds this
# file with podman on bases made from Debian packages: scripts/deploy-test.sh):
#   --build-arg BUILD_IMAGE=... --build-arg RUNTIME_IMAGE=...
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY .mvn .mvn
COPY conf conf
COPY src/main src/main
# Packaged as resources too (pom.xml): the OpenAPI description (/api/openapi.json) and the browser client (/client/)
COPY docs/openapi.yaml docs/openapi.yaml
COPY clients/js clients/js
# The local Maven repository is a build cache (kept between builds), not a layer of the image.
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q package -DskipTests

FROM ${RUNTIME_IMAGE}
# A fixed non-root user (uid 10001): files mounted into /app/conf or /app/data must be readable
# (and /app/data writable) by it; Kubernetes' fsGroup 10001 does that for volumes.
RUN (getent group 10001 || groupadd --system --gid 10001 bridge) \
 && (getent passwd 10001 || useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin bridge) \
 && mkdir -p /app/bin /app/target /app/conf /app/data/journal && chown -R 10001:10001 /app/data
WORKDIR /app
COPY --from=build /src/target/bridge.jar /app/target/bridge.jar
COPY bin/bridge /app/bin/bridge
# The packaged defaults are in the jar; a file mounted here (conf/bridge.json) is read over them.
COPY conf/bridge.json /app/conf/bridge.json
ENV HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    COMMAND_JOURNAL_DIR=/app/data/journal \
    LOG_FORMAT=json
VOLUME ["/app/data"]
EXPOSE 8080
USER 10001:10001
# Probes the admin port when ADMIN_PORT is set, else the public one; no curl needed (bash /dev/tcp).
# Under TLS without ADMIN_PORT this probe cannot speak HTTPS: set ADMIN_PORT with TLS.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${ADMIN_PORT:-${HTTP_PORT:-8080}} && printf 'GET /health/ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# SIGTERM reaches the JVM (bin/bridge execs java): the node drains its command queue for up to
# SHUTDOWN_GRACE_MS before it exits, so give the container a stop timeout longer than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/bin/bridge"]
