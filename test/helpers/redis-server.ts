import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { whichTool } from '../../src/core/run-tool.ts';

/** Debian's redis-server (or the one MOTIONFUSE_REDIS_SERVER names), or why there is none: the queue tests then skip, saying so. */
export async function findRedisServer(): Promise<{ path: string } | { missing: string }> {
  const given = process.env['MOTIONFUSE_REDIS_SERVER'];
  if (given !== undefined && given !== '')
    return existsSync(given) ? { path: given } : { missing: `MOTIONFUSE_REDIS_SERVER=${given} does not exist` };
  const path = await whichTool('redis-server');
  return path === undefined ? { missing: 'redis-server is not installed (apt-get install redis-server)' } : { path };
}

export interface RedisServer {
  port: number;
  /** redis://:PASSWORD@127.0.0.1:PORT/0 (no password part when none was asked for). */
  url: string;
  /** Stops it (SIGTERM: the append-only file is flushed) and starts it again on the same port with the same data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private Redis for one test file: a free localhost port, a temporary folder, no snapshots,
 * an append-only file written on every change (so a restart keeps every finished job).
 */
export async function startRedisServer(path: string, options: { password?: string } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mf-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--dir',
    dir,
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
  ];
  let child = await launch(path, args);
  const stopChild = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return {
    port,
    url: `redis://${options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`}127.0.0.1:${port}/0`,
    async restart() {
      await stopChild();
      child = await launch(path, args);
    },
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function launch(path: string, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
