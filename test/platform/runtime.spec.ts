import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('runtime', () => {
  it('runs the tests on Node.js 24 LTS (the npm `node` package puts it first on the PATH of npm scripts)', () => {
    expect(process.version).toMatch(/^v24\./);
    expect(pkg.dependencies.node).toMatch(/^24\./);
    expect(pkg.engines.node).toMatch(/24/);
  });

  it('the Dockerfile builds and runs on the same major, as a non-root user, without dev dependencies', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toMatch(/^node:24-slim/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/CMD \["node", "dist\/apps\/api\/src\/main\.js"\]/);
  });

  it('the compiled server needs no path-alias hook at run time (tsc-alias rewrites @vetting/* at build time)', () => {
    const scripts = pkg.scripts as Record<string, string>;
    for (const name of ['start', 'start:api', 'start:worker']) expect(scripts[name]).not.toMatch(/tsconfig-paths/);
    expect(scripts['build:server']).toMatch(/tsc-alias/);
  });
});
