/**
 * A throwaway redis-server for tests: Debian's binary on 127.0.0.1, a free port, its own data
 * folder, append-only persistence with fsync on every write (so a restart loses nothing), stopped
 * at the end. Throws — never skips — when redis-server is not installed.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A running test Redis. */
export interface TestRedis {
  url: string;
  port: number;
  /** Runs a redis-cli command against it and returns its output. */
  cli(...args: string[]): string;
  /** Shuts the server down (saving its append-only file) and starts it again on the same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function binary(name: string): string {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not installed: apt-get install redis-server (the queue tests need it)`);
  }
}

/** Starts redis-server and waits until it answers PING. */
export async function startRedis(): Promise<TestRedis> {
  const server = binary('redis-server');
  const cliPath = binary('redis-cli');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ditto-redis-'));
  let child: ChildProcess | undefined;
  const cli = (...args: string[]) =>
    execFileSync(cliPath, ['-h', '127.0.0.1', '-p', String(port), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  const launch = async () => {
    child = spawn(
      server,
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      try {
        if (cli('ping') === 'PONG') return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const exited = () =>
    new Promise<void>((resolve) => {
      if (child === undefined || child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    cli,
    async restart() {
      const done = exited();
      try {
        cli('shutdown');
      } catch {
        // the connection closes as the server exits
      }
      await done;
      await launch();
    },
    async stop() {
      const done = exited();
      child?.kill('SIGTERM');
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
