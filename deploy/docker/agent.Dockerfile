# syntax=docker/dockerfile:1.7
# Syndicate participant agent, for a bank's on-prem host. Build from the repository root:
#   docker build -f deploy/docker/agent.Dockerfile -t syndicate/agent .
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# 1. Compile TypeScript (dev dependencies live only here).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json nx.json ./
COPY proto/package.json proto/
COPY coordinator/package.json coordinator/
COPY participant-sdk/package.json participant-sdk/
COPY examples/package.json examples/
COPY test/package.json test/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY proto proto
COPY participant-sdk participant-sdk
RUN npx tsc -b participant-sdk

# 2. Production dependencies only (TensorFlow.js with its WebAssembly backend; no native download).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
# Every workspace manifest, so the lockfile matches; only two workspaces get installed.
COPY package.json package-lock.json ./
COPY proto/package.json proto/
COPY coordinator/package.json coordinator/
COPY participant-sdk/package.json participant-sdk/
COPY examples/package.json examples/
COPY test/package.json test/
RUN npm ci --omit=dev --workspace @syndicate/participant --workspace @syndicate/protocol --ignore-scripts --no-audit --no-fund

# 3. Runtime: non-root; keys and enrollment live in the state volume (0700), data is mounted read-only.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules node_modules
COPY --from=prod-deps --chown=node:node /app/package.json package.json
COPY --from=build --chown=node:node /src/proto/package.json proto/package.json
COPY --from=build --chown=node:node /src/proto/syndicate proto/syndicate
COPY --from=build --chown=node:node /src/proto/dist proto/dist
COPY --from=build --chown=node:node /src/participant-sdk/package.json participant-sdk/package.json
COPY --from=build --chown=node:node /src/participant-sdk/dist participant-sdk/dist
RUN mkdir -p /var/lib/syndicate-agent && chown node:node /var/lib/syndicate-agent && chmod 0700 /var/lib/syndicate-agent
VOLUME ["/var/lib/syndicate-agent"]
USER node
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "participant-sdk/dist/cli/main.js", "health", "--state-dir", "/var/lib/syndicate-agent"]
ENTRYPOINT ["node", "participant-sdk/dist/cli/main.js"]
CMD ["run", "--state-dir", "/var/lib/syndicate-agent", "--data", "/data/loans.csv"]
