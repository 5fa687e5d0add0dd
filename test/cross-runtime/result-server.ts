/**
 * A small HTTP server on 127.0.0.1 for the browser runs: it serves the files of one directory and
 * receives each page's report as `POST /result?runtime=<name>`. Posting back works the same in every
 * browser, so Firefox ESR needs no automation protocol at all.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

/** What a page posts: its report, or the error it met. */
export type PostedResult = { report: unknown } | { error: string };

export interface ResultServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Resolves with what the page of `runtime` posts; rejects after `timeoutMs`. */
  waitFor(runtime: string, timeoutMs: number): Promise<PostedResult>;
  /** Rejects the wait of `runtime` (e.g. when its browser exits first). */
  fail(runtime: string, error: Error): void;
  close(): Promise<void>;
}

interface Waiter {
  resolve(result: PostedResult): void;
  reject(error: Error): void;
}

/** Starts the server on an ephemeral port. */
export async function startResultServer(root: string): Promise<ResultServer> {
  const posted = new Map<string, PostedResult>();
  const waiters = new Map<string, Waiter>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/result') {
      const runtime = url.searchParams.get('runtime') ?? '';
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(204).end();
        let result: PostedResult;
        try {
          result = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PostedResult;
        } catch (error) {
          result = { error: `unparsable result: ${String(error)}` };
        }
        const waiter = waiters.get(runtime);
        if (waiter) waiter.resolve(result);
        else posted.set(runtime, result);
      });
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    const file = normalize(join(root, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    waitFor(runtime, timeoutMs) {
      const early = posted.get(runtime);
      if (early) return Promise.resolve(early);
      return new Promise<PostedResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(runtime);
          reject(new Error(`${runtime}: no result within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(runtime);
        };
        waiters.set(runtime, {
          resolve: (result) => {
            done();
            resolve(result);
          },
          reject: (error) => {
            done();
            reject(error);
          },
        });
      });
    },
    fail(runtime, error) {
      waiters.get(runtime)?.reject(error);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
