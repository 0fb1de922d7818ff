import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Extension, PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

// A subpath export that `moduleResolution: node` cannot type; the runtime resolves it through `exports`.

const { btree_gist } = require('@electric-sql/pglite/contrib/btree_gist') as { btree_gist: Extension };

/**
 * PostgreSQL in-process: PGlite with its files under `dataDir`, served over a loopback socket on a
 * free port so MikroORM talks to it like any PostgreSQL server (pool size 1: PGlite is one session).
 */
export class EmbeddedPostgres {
  private db?: PGlite;
  private server?: PGLiteSocketServer;
  url?: string;

  constructor(private readonly dataDir: string) {}

  async start(): Promise<string> {
    const dir = resolve(this.dataDir);
    mkdirSync(dir, { recursive: true });
    this.db = await PGlite.create({ dataDir: dir, extensions: { btree_gist } });
    this.server = new PGLiteSocketServer({ db: this.db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await this.server.start();
    this.url = `postgresql://postgres:postgres@${this.server.getServerConn()}/postgres`;
    return this.url;
  }

  /** Stops the socket and closes PGlite, which flushes its files (safe on SIGINT/SIGTERM). */
  async stop(): Promise<void> {
    const server = this.server;
    const db = this.db;
    this.server = undefined;
    this.db = undefined;
    if (server) await server.stop().catch(() => undefined);
    if (db && !db.closed) await db.close();
  }
}
