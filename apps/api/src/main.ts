import 'reflect-metadata';
import { AppConfig, ConfigError, assertRedisReachable } from '@vetting/core';
import { createApi } from './bootstrap';
import { DEMO_PASSWORD, demoSignInTable, maybeSeedDemoWorld } from './demo/demo-world';

async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  await assertRedisReachable(config.env.REDIS_URL);
  const app = await createApi({ config });
  await app.listen(config.env.PORT, config.env.HOST);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  const mode = config.embeddedDatabase
    ? 'embedded PostgreSQL (PGlite) in ' + config.env.DATA_DIR
    : 'PostgreSQL at DATABASE_URL';
  const docs = config.swaggerEnabled ? `docs: ${url}/api/docs, ` : '';
  console.log(`\nVetting platform api listening on ${url}/api  (${docs}socket: ${url}/live)`);
  console.log(
    `Database: ${mode}; worker ${config.workerInProcess ? 'in this process' : 'separate (npm run start:worker)'}\n`,
  );
  await printDemoWorld(app, config);
}

/** On the embedded database the first start seeds demo accounts (SEED_DEMO=false turns it off). */
async function printDemoWorld(app: Awaited<ReturnType<typeof createApi>>, config: AppConfig): Promise<void> {
  try {
    const outcome = await maybeSeedDemoWorld(app, config);
    if (outcome === 'disabled') return;
    console.log(
      `Demo accounts (${outcome === 'seeded' ? 'created now' : 'already there'}; all with the password ${DEMO_PASSWORD}, local use only):\n`,
    );
    console.log(demoSignInTable() + '\n');
  } catch (err) {
    // The api works without its demo world: say why and go on.
    console.error(`The demo accounts could not be seeded: ${(err as Error).message}`);
  }
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err?.message ?? err);
  process.exit(1);
});
