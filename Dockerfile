# One image for the api and the worker (docker-compose.yml runs it twice with another command).
# Stage 1 builds with every dependency; stage 2 keeps only production dependencies, the compiled
# server (path aliases already rewritten to relative requires by tsc-alias), the built web app and the
# assessment catalog, and runs `node dist/...` as the unprivileged `node` user.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
RUN chown node:node /app
USER node
COPY --chown=node:node package.json package-lock.json ./
# The npm `node` package (Node 24 for npm scripts on hosts with an older Node) is not needed here:
# the base image is Node 24 already, so its 180 MB binary is dropped.
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/node node_modules/.bin/node && npm cache clean --force
COPY --chown=node:node --from=build /app/dist ./dist
COPY --chown=node:node --from=build /app/apps/web/dist ./apps/web/dist
COPY --chown=node:node config ./config

EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
