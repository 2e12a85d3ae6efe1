# syntax=docker/dockerfile:1
# The scf-release image: the worker (default command) and the `scf-release` CLI (docker-compose.yml runs
# `scf-release setup` from it). TypeScript runs through tsx, as with `npm run worker`, so there is no
# separate build; the workflow bundle is built here, from the same code, so the worker never bundles at
# start and can never run a bundle from other code (that would break replay).
#   docker build -t scf-release .
FROM node:20-slim

WORKDIR /app

# Production dependencies only (tsx is one), exactly as package-lock.json pins them. Install scripts stay
# off, as package.json's allowScripts asks: the Temporal core bridge, @swc/core and esbuild ship prebuilt
# platform packages.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY activities ./activities
COPY client ./client
COPY scripts ./scripts
COPY simulator ./simulator
COPY workflows ./workflows
COPY worker ./worker

RUN node scripts/bundle-workflows.mjs /app/workflow-bundle.js \
  && mkdir -p /var/lib/scf-release/artifacts \
  && chown -R node:node /var/lib/scf-release

# worker/config.ts: the prebuilt bundle; activities/config.ts: snapshots and downloaded packages (a volume).
ENV SCF_RELEASE_WORKFLOW_BUNDLE=/app/workflow-bundle.js \
    SCF_ARTIFACT_DIR=/var/lib/scf-release/artifacts

USER node

# One process (worker/main.ts): SIGTERM reaches the worker itself, which drains in-flight activities for
# SCF_RELEASE_SHUTDOWN_GRACE_TIME before it exits; give `docker stop` a longer timeout than that.
CMD ["node", "--import", "tsx", "worker/main.ts"]
