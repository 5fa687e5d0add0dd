/**
 * The playground's static file server (`ditto playground`): GET and HEAD of the files under one
 * folder, nothing else. It must survive anything a client sends — malformed request lines, bad
 * percent-encodings, null bytes, paths that try to leave the folder, odd methods and headers, a
 * client that hangs up mid-response — answering each with a status code, never crashing, never
 * serving a file outside the folder (test/playground-fuzz.test.ts).
 *
 * @module
 */

import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

/**
 * The page may load and contact nothing but its own origin: the server sends this policy, and the
 * page's own <meta> repeats it for static hosting.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Request paths longer than this are refused (414) before touching the file system. */
const MAX_PATH_LENGTH = 2048;

export interface PlaygroundServer {
  /** e.g. http://127.0.0.1:5199/ */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves built playground files from `dir` on `host:port` (port 0: any free port), with a Content
 * Security Policy that keeps the page from contacting any other origin.
 *
 * @example
 * ```ts
 * const server = await startPlaygroundServer({ dir: 'web/dist', port: 0 });
 * console.log(server.url); // http://127.0.0.1:41234/
 * await server.close();
 * ```
 */
export async function startPlaygroundServer(options: {
  dir: string;
  port?: number;
  host?: string;
}): Promise<PlaygroundServer> {
  // Symbolic links inside the folder may point anywhere; compare real paths.
  const root = await realpath(resolve(options.dir));
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    respond(root, req, res).catch(() => fail(res, 500));
  });
  // Malformed HTTP (bad request lines, headers, encodings): answer 400 if the socket still can.
  server.on('clientError', (_error, socket: Socket) => {
    if (socket.writable && !socket.destroyed)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 5199, host, ok);
  });
  server.on('error', () => {});
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

async function respond(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.on('error', () => {});
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res
      .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
      .end('method not allowed');
    return;
  }
  const target = requestPath(req.url);
  if (typeof target === 'number') {
    fail(res, target);
    return;
  }
  let file = join(root, target);
  if (!inside(root, file)) {
    fail(res, 403);
    return;
  }
  let size: number;
  try {
    file = await realpath(file);
    if (!inside(root, file)) {
      fail(res, 403);
      return;
    }
    let info = await stat(file);
    if (info.isDirectory()) {
      file = await realpath(join(file, 'index.html'));
      if (!inside(root, file)) {
        fail(res, 403);
        return;
      }
      info = await stat(file);
    }
    if (!info.isFile()) {
      fail(res, 404);
      return;
    }
    size = info.size;
  } catch {
    fail(res, 404);
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(size),
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

/** The decoded path of a request URL, or the status code that refuses it. */
function requestPath(url: string | undefined): string | number {
  if (url === undefined || url.length === 0) return 400;
  if (url.length > MAX_PATH_LENGTH) return 414;
  let pathname: string;
  try {
    pathname = new URL(url, 'http://localhost').pathname;
  } catch {
    return 400;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return 400;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return 400;
  return decoded;
}

function inside(root: string, file: string): boolean {
  return file === root || file.startsWith(root + sep);
}

function fail(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = { 400: 'bad request', 403: 'forbidden', 404: 'not found', 414: 'path too long', 500: 'error' }[
    status
  ];
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(text ?? '');
}
