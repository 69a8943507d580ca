# syntax=docker/dockerfile:1.7
# Syndicate coordinator. Build from the repository root:
#   docker build -f deploy/docker/coordinator.Dockerfile -t syndicate/coordinator .
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# 1. Compile TypeScript (dev dependencies live only here).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json nx.json ./
COPY proto/package.json proto/
COPY coordinator/package.json coordinator/
COPY participant-sdk/package.json participant-sdk/
COPY examples/package.json examples/
COPY test/package.json test/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY proto proto
COPY coordinator coordinator
RUN npx tsc -b coordinator && npx tsc -p coordinator/console-ui && node coordinator/console-ui/build.mjs

# 2. Production dependencies only; better-sqlite3 is compiled here (no prebuilt download).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# Every workspace manifest, so the lockfile matches; only two workspaces get installed.
COPY package.json package-lock.json ./
COPY proto/package.json proto/
COPY coordinator/package.json coordinator/
COPY participant-sdk/package.json participant-sdk/
COPY examples/package.json examples/
COPY test/package.json test/
RUN npm ci --omit=dev --workspace @syndicate/coordinator --workspace @syndicate/protocol --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

# 3. Runtime: no compilers, no dev dependencies, non-root, read-only root filesystem friendly.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    DATABASE_URL=sqlite:/var/lib/syndicate/syndicate.sqlite \
    SYNDICATE_GRPC_HOST=0.0.0.0 \
    SYNDICATE_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules node_modules
COPY --from=prod-deps --chown=node:node /app/package.json package.json
COPY --from=build --chown=node:node /src/proto/package.json proto/package.json
COPY --from=build --chown=node:node /src/proto/syndicate proto/syndicate
COPY --from=build --chown=node:node /src/proto/dist proto/dist
COPY --from=build --chown=node:node /src/coordinator/package.json coordinator/package.json
COPY --from=build --chown=node:node /src/coordinator/dist coordinator/dist
# The only writable path: the SQLite file when no DATABASE_URL points at PostgreSQL.
RUN mkdir -p /var/lib/syndicate && chown node:node /var/lib/syndicate
VOLUME ["/var/lib/syndicate"]
USER node
EXPOSE 50051 8080
# Loopback probe of /readyz over HTTPS (plain HTTP only under SYNDICATE_INSECURE=true); it sends nothing secret,
# so it does not verify the certificate, which names the public host, not 127.0.0.1.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const t=process.env.SYNDICATE_INSECURE==='true';require(t?'http':'https').get({host:'127.0.0.1',port:8080,path:'/readyz',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
ENTRYPOINT ["node", "coordinator/dist/cli/main.js"]
CMD ["serve"]
