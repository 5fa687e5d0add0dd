// The playground server survives anything a client sends (a bounded fuzz on 127.0.0.1): a few
// thousand malformed request lines, paths, escapes, headers and methods, after which it still
// serves the page — and at no point did it serve a file from outside its folder.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlaygroundServer,
  startPlaygroundServer,
} from '../packages/ditto-node/src/cli/playground-server.js';

const PAGE = '<!doctype html><title>ditto playground</title>';
const SECRET = 'SECRET-8d1f6e0c: outside the served folder';
let base: string;
let server: PlaygroundServer;
let port: number;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'ditto-fuzz-'));
  const site = join(base, 'site');
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), PAGE);
  writeFileSync(join(site, 'assets', 'app.js'), 'console.log(1);\n');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  // A link inside the folder that points out of it.
  symlinkSync(join(base, 'secret.txt'), join(site, 'leak.txt'));
  server = await startPlaygroundServer({ dir: site, port: 0, host: '127.0.0.1' });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

/** A small seeded generator (xorshift32), so every run sends the same requests. */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return {
    int: (n: number) => next() % n,
    pick: <T>(items: readonly T[]) => items[next() % items.length],
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => next() & 0xff)),
  };
}

const PATHS = [
  '/',
  '/index.html',
  '/assets/app.js',
  '/../secret.txt',
  '/..%2fsecret.txt',
  '/%2e%2e/secret.txt',
  '/%2e%2e%2fsecret.txt',
  '/assets/../../secret.txt',
  '/assets/%2e%2e/%2e%2e/secret.txt',
  '/..\\secret.txt',
  '/%5c..%5csecret.txt',
  '/leak.txt',
  '/%00',
  '/index.html%00.js',
  '/%',
  '/%zz',
  '/%e0%a4%a',
  '/%c0%ae%c0%ae/secret.txt',
  `/${'a'.repeat(5000)}`,
  `/${'../'.repeat(200)}secret.txt`,
  '//evil.example/',
  'http://evil.example/../secret.txt',
  '*',
  '',
  '?x=1',
  '/assets/',
  '/assets',
  '/nope',
  '/index.html?../../secret.txt',
  '/index.html#frag',
  '/\u00e9\u0000',
];
const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
  'PATCH',
  'G\u00c9T',
  'get',
  '',
  'X'.repeat(300),
];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'HTTP/1.1 extra', '', 'FOO'];
const HEADERS = [
  'Host: 127.0.0.1',
  'Host:',
  'Content-Length: 5',
  'Content-Length: -1',
  'Content-Length: 99999999999999999999',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: chunked\r\nContent-Length: 3',
  'Expect: 100-continue',
  'Range: bytes=0-3',
  'Range: bytes=99999-',
  'Connection: keep-alive',
  'Connection: upgrade\r\nUpgrade: websocket',
  `X-Long: ${'x'.repeat(20_000)}`,
  'Bad Header Without Colon',
  ': empty name',
  'X-\u0000: nul',
  'If-Modified-Since: yesterday',
];

/** One raw request, built from the pieces above (and sometimes pure noise). */
function request(rng: ReturnType<typeof generator>): Buffer {
  if (rng.int(10) === 0) return rng.bytes(1 + rng.int(400));
  const line = `${rng.pick(METHODS)} ${rng.pick(PATHS)} ${rng.pick(VERSIONS)}`;
  const headers = Array.from({ length: rng.int(4) }, () => rng.pick(HEADERS));
  const eol = rng.int(8) === 0 ? '\n' : '\r\n';
  const body = rng.int(4) === 0 ? `${eol}${rng.bytes(rng.int(64)).toString('latin1')}` : '';
  const end = rng.int(12) === 0 ? '' : `${eol}${eol}`; // sometimes never finished
  return Buffer.from(`${[line, ...headers].join(eol)}${end}${body}`, 'latin1');
}

/** Sends raw bytes and returns what came back before the server closed or 300 ms passed. */
function send(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, 300);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => {
      // Half the clients hang up right after sending, mid-response.
      socket.write(bytes, () => {
        if (bytes[0] % 2 === 0) socket.end();
      });
    });
  });
}

async function get(path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(new URL(path, server.url));
  return { status: response.status, body: await response.text() };
}

describe('playground server under fuzzing', () => {
  it('answers 3,000 malformed requests without crashing or leaking a file, then still serves the page', async () => {
    const rng = generator(20_261_201);
    const replies: string[] = [];
    for (let batch = 0; batch < 60; batch++) {
      const requests = Array.from({ length: 50 }, () => request(rng));
      replies.push(...(await Promise.all(requests.map(send))));
    }
    expect(replies).toHaveLength(3000);
    expect(replies.filter((r) => r.includes(SECRET))).toEqual([]);
    // Every status the server sent is one of its own (or Node's: 100 Continue, 413, 431, 505).
    const statuses = new Set(replies.map((r) => /^HTTP\/1\.[01] (\d{3})/.exec(r)?.[1]).filter(Boolean));
    for (const status of statuses)
      expect(['100', '200', '400', '403', '404', '405', '413', '414', '431', '501', '505']).toContain(status);
    expect(statuses.has('200')).toBe(true);
    expect(statuses.has('400')).toBe(true);

    expect(await get('/')).toEqual({ status: 200, body: PAGE });
    expect((await get('/assets/app.js')).status).toBe(200);
  }, 120_000);

  it('refuses each path escape and malformed path with a status, not a crash', async () => {
    const cases: Array<[string, number]> = [
      ['/..%2fsecret.txt', 403],
      ['/%2e%2e%2fsecret.txt', 403],
      ['/leak.txt', 403],
      ['/%', 400],
      ['/%e0%a4%a', 400],
      ['/index.html%00.js', 400],
      ['/%5c..%5csecret.txt', 400],
      [`/${'a'.repeat(5000)}`, 414],
    ];
    for (const [path, status] of cases) {
      const raw = await send(Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`));
      expect(raw.slice(0, 12), path).toBe(`HTTP/1.1 ${status}`);
      expect(raw).not.toContain(SECRET);
    }
    expect((await send(Buffer.from('POST / HTTP/1.1\r\nHost: x\r\n\r\n'))).slice(0, 12)).toBe('HTTP/1.1 405');
  });
});
