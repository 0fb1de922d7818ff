/**
 * The standalone worker (apps/worker/src/main.ts) as the bench runs it: the same entry point, plus a clean exit
 * after Nest's shutdown hook has closed the application and signals the process again (so `--cpu-prof` writes
 * its profile; without a listener of ours the re-sent signal would end the process before that).
 */
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals++;
    if (signals > 1) process.exit(0);
  });
}
require('../apps/worker/src/main');
