# syntax=docker/dockerfile:1
# The chat-ops bot. Multi-stage: dependencies and the TypeScript build happen in `build` (with a C++ toolchain for
# better-sqlite3 when no prebuilt binary matches); the runtime image has only production modules and runs as `node`.
#   docker build -t mlops-bot:local .
#   docker run --rm -p 127.0.0.1:3000:3000 --env-file .env mlops-bot:local
# NODE_BASE is any Debian-based Node 20 image (the compose stack passes its own).
ARG NODE_BASE=node:20-bookworm-slim

FROM ${NODE_BASE} AS build
WORKDIR /app
# better-sqlite3 compiles when its prebuilt binary cannot be fetched: use the base image's own Node headers rather
# than downloading them.
ENV npm_config_nodedir=/usr/local
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_BASE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    STATE_PATH=/app/data/mlops-bot.db
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/bin ./bin
# Code stays root-owned and read-only to the process; only the state directory is the bot's. `mlops-bot <verb>` runs
# one command inside the container (docker compose exec bot mlops-bot services).
RUN mkdir -p /app/data && chown node:node /app/data && ln -s /app/bin/mlops-bot.js /usr/local/bin/mlops-bot
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "bin/mlops-bot.js", "serve"]
