# syntax=docker/dockerfile:1
#
# The portal as a container image: docs/production.md says how to run it.
#   docker build -t online-access-portal .
#   docker run -e DATABASE_URL=… -e PUBLIC_URL=… -e SMTP_URL=… -p 3000:3000 online-access-portal
# The same image runs an outbox worker (`node --import tsx app/worker/main.ts`) and the
# command line (`node --import tsx app/cli/main.ts import …`).

ARG NODE_IMAGE=node:20.19-bookworm-slim

# 1. Every dependency, and the Remix build (client assets and the server bundle).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Only what runs in production: no Vite, vitest, eslint or Chromium drivers.
FROM ${NODE_IMAGE} AS runtime-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The image: the build, the server's TypeScript (run by tsx), and nothing writable but DATA_DIR.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/var/lib/portal
WORKDIR /app
COPY --from=runtime-dependencies /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY package.json package-lock.json tsconfig.json ./
COPY app ./app
COPY db ./db
COPY emails ./emails
COPY server ./server
# The node image's unprivileged user (uid 1000) owns only the data directory: uploads
# waiting to be imported live there. The code and dependencies stay root's, read-only to it.
# Copied sources keep their times: make the build newer, so start-up never tries to rebuild without Vite.
RUN touch build/server/index.js && mkdir -p /var/lib/portal && chown node:node /var/lib/portal
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "server/index.ts"]
