/**
 * `GET /healthz` (the process is alive) and `GET /readyz` (every part started, the database
 * writable, the report loaded) on `HEALTH_PORT`, in every chat mode: for a process manager, a load
 * balancer or a Kubernetes probe. Each check is a function, asked at every request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from './store/store.ts';

/** A named check: `true` when fine, or a short reason it is not. */
export type Check = () => true | string;

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * True when the database takes a write now: a write transaction opened (without waiting on another
 * process's lock) and rolled back, so nothing changes.
 */
export function databaseWritable(store: Store): true | string {
  const db = store.db;
  if (!db.open) return 'the database is closed';
  if (db.readonly) return `the database ${store.path} is read-only`;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  try {
    // A probe must answer at once, not wait out the busy timeout.
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return true;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    return `the database ${store.path} does not take writes: ${(err as Error).message}`;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

/** Answers every check; the body lists each one, so a failed probe says what is wrong. */
export function readiness(checks: Readonly<Record<string, Check>>): { ready: boolean; checks: Record<string, string> } {
  const out: Record<string, string> = {};
  let ready = true;
  for (const [name, check] of Object.entries(checks)) {
    let result: true | string;
    try {
      result = check();
    } catch (err) {
      result = (err as Error).message;
    }
    out[name] = result === true ? 'ok' : result;
    if (result !== true) ready = false;
  }
  return { ready, checks: out };
}

/** Starts the health server; resolves once it listens (`port` 0 picks a free one). */
export async function startHealthServer(opts: { port: number; host: string; checks: () => Readonly<Record<string, Check>> }): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'GET only' });
    if (path === '/healthz') return send(200, { status: 'alive' });
    if (path === '/readyz') {
      const r = readiness(opts.checks());
      return send(r.ready ? 200 : 503, r);
    }
    send(404, { error: 'not found: try /healthz or /readyz' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
