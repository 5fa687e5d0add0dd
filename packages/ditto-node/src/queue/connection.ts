/**
 * Redis for the job queue: parsing a `redis://` URL, loading BullMQ (an optional peer dependency,
 * loaded only when a queue is used), and failing fast on a Redis that cannot be reached — BullMQ
 * itself retries a lost connection forever, which is right for a running worker and wrong for a
 * mistyped URL.
 *
 * @module
 */

/** Where the queue's Redis is. */
export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  /** The URL as given, for messages. */
  url: string;
}

/**
 * Parses `redis://host:port[/db]`.
 *
 * @throws Error naming the URL and what is wrong with it.
 * @example
 * ```ts
 * parseQueueUrl('redis://127.0.0.1:6379'); // { host: '127.0.0.1', port: 6379, db: 0, url: … }
 * ```
 */
export function parseQueueUrl(url: string): QueueAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `--queue: '${url}' is not a URL; expected redis://host:port (for example redis://127.0.0.1:6379)`,
    );
  }
  if (parsed.protocol !== 'redis:') {
    throw new Error(`--queue: '${url}' must start with redis:// (got ${parsed.protocol}//)`);
  }
  if (parsed.hostname === '') throw new Error(`--queue: '${url}' names no host`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0)
    throw new Error(`--queue: '${url}': database '${dbText}' is not an integer ≥ 0`);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port, db, url };
}

/** The BullMQ module, or a clear error saying how to install it. */
export async function loadBullmq(): Promise<typeof import('bullmq')> {
  try {
    return await import('bullmq');
  } catch (error) {
    throw new Error(
      `the job queue needs the packages bullmq and ioredis: npm install bullmq ioredis (${(error as Error).message})`,
    );
  }
}

/** Connection options for BullMQ's queues, workers and events: it retries lost connections itself. */
export function connectionOptions(address: QueueAddress): {
  host: string;
  port: number;
  db: number;
  maxRetriesPerRequest: null;
} {
  // maxRetriesPerRequest: null is what BullMQ requires of a worker's blocking connection.
  return { host: address.host, port: address.port, db: address.db, maxRetriesPerRequest: null };
}

/**
 * Checks within `timeoutMs` that Redis answers a PING, with one connection attempt and no retries.
 *
 * @throws Error naming the URL and the cause (refused, unknown host, timeout).
 */
export async function checkReachable(address: QueueAddress, timeoutMs = 3000): Promise<void> {
  let Redis: typeof import('ioredis').Redis;
  try {
    ({ Redis } = await import('ioredis'));
  } catch (error) {
    throw new Error(
      `the job queue needs the packages bullmq and ioredis: npm install bullmq ioredis (${(error as Error).message})`,
    );
  }
  const client = new Redis({
    host: address.host,
    port: address.port,
    db: address.db,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // the failure is reported below, once
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new Error(`cannot reach Redis at ${address.url}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
