import { BullModule } from '@nestjs/bullmq';
import { PatientWorker } from './queues.module';
import { requestRedisOptions } from '../redis/redis';

describe('PatientWorker', () => {
  it('is the worker class Nest creates, and turns the fail-fast request options back into waiting ones', async () => {
    expect((BullModule as unknown as { _workerClass: unknown })._workerClass).toBe(PatientWorker);
    const url = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    const connection = { ...requestRedisOptions(2000), host: url.hostname, port: Number(url.port || 6379) };
    const worker = new PatientWorker('patient-worker-spec', async () => undefined, {
      connection,
      autorun: false,
      prefix: 'vt-spec',
    });
    try {
      expect(worker.opts.connection).toMatchObject({
        maxRetriesPerRequest: null,
        enableOfflineQueue: true,
        commandTimeout: undefined,
        host: url.hostname,
      });
      // The producers' options are untouched.
      expect(connection).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2000 });
    } finally {
      await worker.close();
    }
  });
});
