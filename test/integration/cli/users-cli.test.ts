import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { signIn } from '#test/support/api-client.ts';
import { uniqueEmail } from '#test/support/factories.ts';
import { freePort } from '#test/support/free-port.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { spawnTower, waitForHealthy } from '#test/support/tower-process.ts';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Every password any run was given; none may ever show up in the CLI's output. */
const secrets = new Set<string>(['hunter2hunter2', 'a-password-that-is-never-read']);
const runs: CliRun[] = [];

/** `node --import tsx server/cli/users.ts …` as `npm run users -- …` runs it; `input` goes to stdin. */
function runCli(args: string[], o: { input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/users.ts', ...args], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(o.env ?? { DATABASE_URL: inject('databaseUrl') }) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  child.stdin.end(o.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const run = { code, stdout, stderr };
      runs.push(run);
      resolve(run);
    });
  });
}

function password(label: string): string {
  const value = `${label}-${Math.random().toString(36).slice(2)}-long enough`;
  secrets.add(value);
  return value;
}

async function loginStatus(url: string, email: string, pw: string): Promise<number> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: pw }),
  });
  await response.body?.cancel();
  return response.status;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  // Checked over every run of the file, the failing ones included.
  for (const run of runs) {
    for (const secret of secrets) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
  }
});

describe('npm run users', () => {
  it('creates a user from a password on stdin, who can then sign in', async () => {
    const email = uniqueEmail('cli-admin');
    const pw = password('first');
    const created = await runCli(['create', '--email', email.toUpperCase(), '--name', 'Ada Admin', '--roles', 'admin,staff'], { input: `${pw}\n` });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout.trim().split('\n')).toHaveLength(1);
    expect(created.stdout).toContain(`created user ${email}`);
    expect(created.stdout).toContain('roles admin,staff');

    const session = await signIn(server.url, email, pw);
    const me = await session.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email, name: 'Ada Admin', roles: ['admin', 'staff'], locationIds: null });

    const listed = await runCli(['list']);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(email));
    expect(line).toMatch(new RegExp(`^${email.replaceAll('.', '\\.')}\\s+admin,staff\\s+yes$`));
    expect(listed.stdout).not.toContain('$argon2');
  });

  it('limits a user to the locations named, and refuses a location that does not exist', async () => {
    const location = await server.api.post('/api/locations', { code: `CLI-${Date.now()}`, name: 'CLI store', kind: 'store', lat: 1, lon: 1, dailyCapacity: 10 });
    expect(location.status).toBe(201);
    const email = uniqueEmail('cli-staff');
    const pw = password('staff');
    const created = await runCli(['create', '--email', email, '--roles', 'staff', '--locations', location.body.id], { input: `${pw}\n` });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('limited to 1 location(s)');
    const me = await (await signIn(server.url, email, pw)).get('/api/auth/me');
    expect(me.body.user).toMatchObject({ name: email.split('@')[0], roles: ['staff'], locationIds: [location.body.id] });

    const missing = await runCli(['create', '--email', uniqueEmail('cli-nowhere'), '--roles', 'staff', '--locations', '00000000-0000-4000-8000-000000000000'], {
      input: `${password('nowhere')}\n`,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('--locations names a location that does not exist');
  });

  it('resets a password: the old one is refused, the new one works, and open sessions end', async () => {
    const email = uniqueEmail('cli-reset');
    const oldPassword = password('old');
    expect((await runCli(['create', '--email', email, '--name', 'Reset Me', '--roles', 'manager'], { input: `${oldPassword}\n` })).code).toBe(0);
    const before = await signIn(server.url, email, oldPassword);

    const newPassword = password('new');
    const reset = await runCli(['reset-password', '--email', email], { input: `${newPassword}\r\nignored second line\n` });
    expect(reset).toMatchObject({ code: 0, stderr: '' });
    expect(reset.stdout.trim()).toBe(`password reset for ${email}; their sessions were ended`);

    expect(await loginStatus(server.url, email, oldPassword)).toBe(401);
    expect((await (await signIn(server.url, email, newPassword)).get('/api/auth/me')).status).toBe(200);
    expect((await before.get('/api/auth/me')).status).toBe(401);
  });

  it('fails with exit code 1 and one clear line', async () => {
    const email = uniqueEmail('cli-dup');
    expect((await runCli(['create', '--email', email, '--roles', 'planner'], { input: `${password('dup')}\n` })).code).toBe(0);
    const duplicate = await runCli(['create', '--email', email, '--roles', 'admin'], { input: `${password('dup2')}\n` });
    expect(duplicate).toMatchObject({ code: 1, stdout: '' });
    expect(duplicate.stderr.trim()).toBe('a user with this email exists');

    const short = await runCli(['create', '--email', uniqueEmail('cli-short'), '--roles', 'staff'], { input: 'short\n' });
    expect(short).toMatchObject({ code: 1, stdout: '' });
    expect(short.stderr.trim()).toBe('password: must be at least 10 characters');

    const noPassword = await runCli(['create', '--email', uniqueEmail('cli-empty'), '--roles', 'staff'], { input: '' });
    expect(noPassword).toMatchObject({ code: 1, stdout: '' });
    expect(noPassword.stderr.trim()).toBe('no password on stdin (send it as the first line)');

    const unknown = await runCli(['reset-password', '--email', uniqueEmail('cli-nobody')], { input: `${password('nobody')}\n` });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/^no user with the email /);
  });

  it.each([
    [[], /^name a command/],
    [['frobnicate'], /^unknown command "frobnicate"/],
    [['create', '--email', 'a@example.com', '--roles', 'admin', '--password', 'hunter2hunter2'], /^unknown option --password for create/],
    [['create', '--email', 'a@example.com', '--roles', 'wizard'], /^--roles: unknown role "wizard"/],
    [['create', '--email', 'not-an-email', '--roles', 'admin'], /^--email must be an email address/],
    [['create', '--roles', 'admin'], /^--email is required/],
    [['create', '--email'], /^--email needs a value/],
    [['create', '--email', 'a@example.com', '--roles', 'admin', '--locations', 'nowhere'], /^--locations: not a location id: nowhere/],
    [['list', 'everyone'], /^unexpected argument "everyone" for list/],
  ])('refuses usage errors with exit code 2: %j', async (args, message) => {
    const run = await runCli(args, { input: 'a-password-that-is-never-read\n' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('prints help with exit code 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('reset-password --email E');
    expect((await runCli(['create', '--help'])).code).toBe(0);
  });
});

describe('npm run users beside a running Tower on its embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-cli-'));
  chmodSync(dataDir, 0o755);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('connects to the cluster the server runs instead of failing', async () => {
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    const tower = spawnTower({ ...env, PORT: String(await freePort()), SIMULATE: 'off' });
    try {
      await waitForHealthy(tower, 60_000);
      const email = uniqueEmail('cli-embedded');
      const pw = password('embedded');
      const created = await runCli(['create', '--email', email, '--roles', 'admin'], { input: `${pw}\n`, env });
      expect(created).toMatchObject({ code: 0, stderr: '' });
      expect((await (await signIn(tower.url, email, pw)).get('/api/users')).status).toBe(200);
      expect(tower.child.exitCode).toBeNull();
    } finally {
      tower.child.kill('SIGTERM');
      expect(await tower.exited).toBe(0);
    }
  });
});
