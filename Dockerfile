# syntax=docker/dockerfile:1
#
# One image, one static binary with the web interface embedded.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t zonefair .
#   docker run -p 8080:8080 -v zonefair-data:/data \
#     -e ZONEFAIR_BASE_URL=https://zonefair.example.org zonefair
#   docker run --rm -v zonefair-data:/data zonefair seed-demo
#
# With no further settings it keeps an SQLite database, uploads and the generated server
# secret in the /data volume (ZONEFAIR_DATA_DIR=/data, so the database is /data/zonefair.db)
# and live state in process. Set ZONEFAIR_DATABASE_URL=postgres://… and
# ZONEFAIR_REDIS_URL=redis://… to run several replicas; `zonefair help` lists every setting.
#
# Health checks: the runtime image has no shell or curl, so it declares no HEALTHCHECK.
# Point the orchestrator at port 8080 instead: liveness GET /healthz, readiness GET /readyz
# (e.g. Kubernetes httpGet probes, or a load balancer's HTTP health check).

FROM node:20 AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
COPY --from=frontend /src/frontend/dist ./frontend/dist
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X zonefair/app/version.Version=${VERSION}" \
      -o /out/zonefair ./cmd/zonefair \
 && mkdir /out/data

# distroless/static has CA certificates and time zone data, which TLS to PostgreSQL or Redis
# and the logs need, and nothing else; its nonroot user is 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/zonefair /zonefair
# A named volume mounted here starts as a copy of this directory, so it is writable by nonroot.
COPY --from=build --chown=65532:65532 /out/data /data
ENV ZONEFAIR_ADDR=:8080 \
    ZONEFAIR_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["/zonefair"]
CMD ["serve"]
