import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addPeriods } from '#analytics/forecast/index.ts';
import { seededRandom } from '#test/unit/support/seeded-random.ts';
import { seasonalDemand } from './support/demand-series.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tower-forecast-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/forecast.ts', ...args], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function dailyHistoryCsv(): string {
  const random = seededRandom(17);
  const lines = ['series,date,value'];
  for (const [id, level] of [['SKU-A', 30], ['SKU "B", large', 80]] as const) {
    seasonalDemand(random, { days: 120, level, noise: 0.15 }).forEach((v, t) => {
      // A day without a row is a day without sales: leave a few out.
      if (t % 37 !== 5) lines.push(`${id.includes(',') ? `"${id.replaceAll('"', '""')}"` : id},${addPeriods('2026-01-01', 'day', t)},${v}`);
    });
  }
  return `${lines.join('\n')}\n`;
}

// Each case starts node with tsx (several for the bad inputs): allow time on a busy machine.
describe('npm run forecast', { timeout: 60_000 }, () => {
  it('writes one row per series and future day and prints the backtest against seasonal naive', () => {
    const input = write('history.csv', dailyHistoryCsv());
    const output = path.join(dir, 'forecast.csv');
    const { code, stdout, stderr } = runCli(['--input', input, '--horizon', '14', '--output', output]);
    expect(stderr).not.toMatch(/failed/);
    expect(code).toBe(0);
    const rows = readFileSync(output, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('series,date,forecast,lo80,hi80');
    expect(rows).toHaveLength(1 + 2 * 14);
    expect(rows[1]).toMatch(/^SKU-A,2026-05-01,[\d.]+,[\d.]+,[\d.]+$/);
    expect(rows[15]).toMatch(/^"SKU ""B"", large",2026-05-01,/);
    for (const row of rows.slice(1)) {
      const [forecast, lo, hi] = row.split(',').slice(-3).map(Number);
      expect(lo).toBeLessThanOrEqual(forecast!);
      expect(forecast).toBeLessThanOrEqual(hi!);
    }
    expect(stdout).toMatch(/2 series \(day, season 7\)/);
    expect(stdout).toMatch(/seasonal naive/);
    expect(stdout).toMatch(/Backtest[\s\S]*ratio to seasonal naive: MASE [\d.]+, sMAPE [\d.]+, WAPE [\d.]+/);
  });

  it('reads other column names and monthly YYYY-MM dates, and scores a holdout against seasonal naive', () => {
    const lines = ['"State","Series ID","Month","Turnover"'];
    for (let t = 0; t < 96; t++) lines.push(`"X","S1","${addPeriods('2015-01-01', 'month', t).slice(0, 7)}",${(100 + t) * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 12))}`);
    const input = write('monthly.csv', `${lines.join('\n')}\n`);
    const output = path.join(dir, 'monthly-out.csv');
    const { code, stdout } = runCli(['--input', input, '--series-column', 'Series ID', '--date-column', 'Month', '--value-column', 'Turnover', '--holdout', '12', '--horizon', '12', '--output', output]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 series \(month, season 12\)/);
    expect(stdout).toMatch(/Holdout: the last 12 periods/);
    expect(stdout).toMatch(/ratio to seasonal naive: sMAPE [\d.]+, MASE [\d.]+/);
    expect(stdout).toMatch(/holt_winters_additive/);
    const rows = readFileSync(output, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(13);
    expect(rows[1]).toMatch(/^S1,2022-01-01,/);
  });

  it('names the line and column of bad input and exits 2', () => {
    const input = write('bad.csv', 'series,date,value\nA,2026-01-01,3\nA,2026-01-02,lots\n');
    const bad = runCli(['--input', input, '--horizon', '7', '--output', path.join(dir, 'x.csv')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/line 3, column "value": "lots" is not a number/);

    const badDate = runCli(['--input', write('bad-date.csv', 'series,date,value\nA,2026-02-30,3\n'), '--horizon', '7', '--output', path.join(dir, 'x.csv')]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/line 2, column "date": "2026-02-30" is not a date/);

    const missingColumn = runCli(['--input', input, '--value-column', 'qty', '--horizon', '7', '--output', path.join(dir, 'x.csv')]);
    expect(missingColumn.code).toBe(2);
    expect(missingColumn.stderr).toMatch(/no value column "qty"/);

    const noHorizon = runCli(['--input', input, '--output', path.join(dir, 'x.csv')]);
    expect(noHorizon.code).toBe(2);
    expect(noHorizon.stderr).toMatch(/--horizon is required/);
  });
});
