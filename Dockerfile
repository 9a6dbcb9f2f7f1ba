# syntax=docker/dockerfile:1
# Build: install everything, generate the Prisma client, type-check.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1
COPY package.json package-lock.json prisma.config.ts tsconfig.json .taprc ./
COPY clients/typescript/package.json ./clients/typescript/
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY src ./src
RUN npx prisma generate && npm run typecheck

# Runtime: production dependencies only, the generated client, non-root, migrations applied at start.
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/data CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
# The typed client is an npm workspace (clients/typescript): npm ci needs its package.json.
COPY clients/typescript/package.json ./clients/typescript/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY prisma ./prisma
COPY src ./src
COPY --from=build /app/src/generated ./src/generated
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# MIGRATE_ON_START (default true) applies prisma/migrations before the port opens.
CMD ["node", "--import", "tsx", "src/server.ts"]
