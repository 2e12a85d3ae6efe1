# syntax=docker/dockerfile:1
# The scf-release image: the worker (default command) and the `scf-release` CLI (docker-compose.yml runs
# `scf-release setup` from it), both compiled to JavaScript by `npm run build` (tsconfig.build.json →
# dist/), so nothing is transpiled at start. The workflow bundle is prebuilt in the same step, from the
# same code, so the worker never bundles at start and can never run a bundle from other code (that
# would break replay).
#   docker build -t scf-release .

# --- build: all dependencies (TypeScript), compile, bundle -------------------------------------------
FROM node:24.11.1-bookworm-slim AS build
WORKDIR /app
# Install scripts stay off, as package.json's allowScripts asks: the Temporal core bridge, @swc/core
# and esbuild ship prebuilt platform packages.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY activities ./activities
COPY client ./client
COPY scripts ./scripts
COPY simulator ./simulator
COPY workflows ./workflows
COPY worker ./worker
RUN npm run build

# --- runtime: production dependencies and dist/ only -------------------------------------------------
FROM node:24.11.1-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/scf-release/artifacts && chown -R node:node /var/lib/scf-release

# worker/config.ts: the prebuilt bundle, the Prometheus endpoint (/metrics) and the health endpoints
# (/healthz, /readyz); activities/config.ts: snapshots and downloaded packages (a volume).
ENV SCF_RELEASE_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    SCF_RELEASE_METRICS_ADDRESS=0.0.0.0:9464 \
    SCF_RELEASE_HEALTH_ADDRESS=0.0.0.0:8081 \
    SCF_ARTIFACT_DIR=/var/lib/scf-release/artifacts
EXPOSE 9464 8081

USER node

# Ready = the worker is RUNNING, both pollers poll, and Temporal answered its health check (worker/health.ts).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8081/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# One process (worker/main.ts, compiled): SIGTERM reaches the worker itself, which drains in-flight
# activities for SCF_RELEASE_SHUTDOWN_GRACE_TIME before it exits; give `docker stop` a longer timeout than that.
CMD ["node", "dist/worker/main.js"]
