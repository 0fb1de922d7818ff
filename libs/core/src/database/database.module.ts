import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnApplicationShutdown,
  RequestMethod,
} from '@nestjs/common';
import { EntityManager, MikroORM, Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { RequestContext } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { DatabaseProbeRepository } from './database-probe.repository';
import { EmbeddedPostgres } from './embedded-postgres';
import { migrateUnderLock } from './migrate-under-lock';

export interface DatabaseModuleOptions {
  entities: Options['entities'];
  migrations: { name: string; class: new (...args: any[]) => any }[];
  /** Run pending migrations at start, under an advisory lock (api and worker both do: whichever comes second waits). */
  migrate: boolean;
}

export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');
export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

const poolLogger = new Logger('DatabasePool');

export function ormOptions(config: AppConfig, url: string, opts: DatabaseModuleOptions): Options {
  const timeoutMs = config.env.DEPENDENCY_TIMEOUT.toMillis();
  return {
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities: opts.entities,
    extensions: [Migrator],
    forceUtcTimezone: true,
    allowGlobalContext: false,
    // A database that does not answer fails a request within DEPENDENCY_TIMEOUT (503), not after knex's 60 s.
    // The embedded database's one connection is queued for instead (its queue is the only way in).
    pool: config.embeddedDatabase
      ? { min: 0, max: 1 }
      : { min: 0, max: config.env.DATABASE_POOL_SIZE, acquireTimeoutMillis: timeoutMs, createTimeoutMillis: timeoutMs },
    driverOptions: config.embeddedDatabase
      ? {}
      : {
          connection: { connectionTimeoutMillis: timeoutMs, keepAlive: true },
          // knex reports each dead pooled connection it discards ("Connection Error: ...") on the console.
          log: { warn: (message: unknown) => poolLogger.debug(String(message)) },
        },
    migrations: {
      migrationsList: opts.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
      path: join(__dirname, '../../../../migrations'),
    },
    discovery: { warnWhenNoEntities: false },
    debug: false,
  };
}

/** Opens the database named by DATABASE_URL, or the embedded one, and applies migrations if asked. */
export async function openDatabase(
  config: AppConfig,
  opts: DatabaseModuleOptions,
): Promise<{ orm: MikroORM; embedded?: EmbeddedPostgres }> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.env.DATABASE_URL;
  if (!url) {
    embedded = new EmbeddedPostgres(join(config.env.DATA_DIR, 'pglite'));
    url = await embedded.start();
  }
  try {
    const orm = await MikroORM.init(ormOptions(config, url, opts));
    if (opts.migrate) await migrateUnderLock(orm, embedded ? null : url);
    return { orm, embedded };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  constructor(
    private readonly orm: MikroORM,
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.orm.close(true).catch((err) => this.logger.warn(`closing ORM: ${err}`));
    if (this.embedded) await this.embedded.stop();
  }
}

@Global()
@Module({})
export class DatabaseModule implements NestModule {
  static forRoot(opts: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_OPTIONS, useValue: opts },
        {
          provide: 'DATABASE_HANDLE',
          inject: [AppConfig],
          useFactory: (config: AppConfig) => openDatabase(config, opts),
        },
        { provide: MikroORM, inject: ['DATABASE_HANDLE'], useFactory: (h: { orm: MikroORM }) => h.orm },
        {
          provide: EMBEDDED_POSTGRES,
          inject: ['DATABASE_HANDLE'],
          useFactory: (h: { embedded?: EmbeddedPostgres }) => h.embedded ?? null,
        },
        { provide: EntityManager, inject: [MikroORM], useFactory: (orm: MikroORM) => orm.em },
        DatabaseLifecycle,
        DatabaseProbeRepository,
      ],
      exports: [MikroORM, EntityManager, EMBEDDED_POSTGRES, DatabaseProbeRepository],
    };
  }

  constructor(private readonly orm: MikroORM) {}

  /** Every HTTP request gets its own identity map. */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((_req: unknown, _res: unknown, next: () => void) => RequestContext.create(this.orm.em, next))
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

/** Runs `fn` in a fresh EntityManager context: socket handlers and job processors must use this. */
export function withContext<T>(orm: MikroORM, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  const em = orm.em.fork() as EntityManager;
  return RequestContext.create(em, () => fn(em));
}
