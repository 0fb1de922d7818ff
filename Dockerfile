# Api image (the worker uses the same image with another command, see docker-compose.yml).
# Dev dependencies stay installed: the entry points run with `-r tsconfig-paths/register`,
# and tsconfig-paths is a devDependency, so `npm prune --omit=dev` would break the start.
FROM node:20-slim

WORKDIR /app
RUN chown node:node /app
USER node

# NODE_ENV is set only after the install: with NODE_ENV=production `npm ci` would skip dev dependencies.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY --chown=node:node . .
RUN npm run build

ENV NODE_ENV=production \
    TS_NODE_BASEURL=./dist \
    HOST=0.0.0.0 \
    PORT=3000

EXPOSE 3000
CMD ["node", "-r", "tsconfig-paths/register", "dist/apps/api/src/main.js"]
