# Switchyard's container image: the checkout's bin/, src/ and the quickstart example (src/main.ts
# imports its demo servers) with the production dependencies, on Node 24. TypeScript runs
# through Node's type stripping, so there is no build step.
#
#   docker build -t switchyard:0.1.0 .
#   docker run --rm -p 8000:8000 -v "$PWD/traefik.yml:/etc/switchyard/traefik.yml:ro" switchyard:0.1.0
#
# Node's major version is the one package.json pins as the `node` devDependency (checked by
# test/docker-image.test.ts).
FROM node:24-slim

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# bin/switchyard runs the Node runtime that npm installs from the `node` devDependency
# (node_modules/node/bin/node), which --omit=dev leaves out: here the image's own Node 24 is
# that runtime.
RUN mkdir -p node_modules/node/bin && ln -s "$(command -v node)" node_modules/node/bin/node

COPY bin/ bin/
COPY src/ src/
COPY examples/quickstart/ examples/quickstart/
COPY web/ web/

# The image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8000 8443 8080
ENTRYPOINT ["bin/switchyard"]
CMD ["--configFile=/etc/switchyard/traefik.yml"]
