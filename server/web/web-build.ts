import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the web build is made from: its sources, the Kit and vite configs, and the locked dependencies. */
const SOURCES = ['web', 'svelte.config.js', 'package-lock.json'];
const SKIPPED = new Set(['.svelte-kit', 'node_modules', 'README.md']);
export const STAMP_FILE = '.source-hash';

function filesUnder(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry)
    .filter((name) => !SKIPPED.has(name))
    .sort()
    .flatMap((name) => filesUnder(path.join(entry, name)));
}

/** A hash of every source file's path and content: mtimes change on checkout, contents do not. */
export function webSourceHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((source) => filesUnder(path.join(root, source)))) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function isWebBuildFresh(root: string, buildDir = path.join(root, 'build')): boolean {
  const stamp = path.join(buildDir, STAMP_FILE);
  if (!existsSync(path.join(buildDir, 'handler.js')) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8').trim() === webSourceHash(root);
}

/** Runs `vite build` for the web app and stamps build/ with the hash of what it was built from. */
export async function buildWeb(root: string, options: { quiet?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  const hash = webSourceHash(root);
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', options.quiet ? 'error' : 'warn'], {
    cwd: root,
    // Quiet, only what failed is said (on stderr): the server's own log is JSON on stdout.
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit'],
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`vite build of the web app failed (exit code ${code})`);
  writeFileSync(path.join(root, 'build', STAMP_FILE), `${hash}\n`);
}

/** Builds the web app when build/ is missing or was built from other sources; true when it built. */
export async function ensureWebBuild(root: string, options: { quiet?: boolean } = {}): Promise<boolean> {
  if (isWebBuildFresh(root)) return false;
  await buildWeb(root, options);
  return true;
}
