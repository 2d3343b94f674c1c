import pg from 'pg';

/**
 * When the server runs with autovacuum off (this machine's CI configuration does), nothing ever
 * gathers planner statistics, and a database filling at hundreds of rows a second is planned as
 * if it were empty: nested scans that grow with every order. A production server analyzes a table
 * once about a tenth of it changed, checked every minute; this stands in for that by analyzing
 * the database every `everyMs`, and does nothing when the server's own autovacuum is on.
 */
export async function standInAutovacuum(databaseUrl: string, everyMs: number, progress: (message: string) => void): Promise<() => Promise<number>> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'tower-bench-analyze' });
  await client.connect();
  const setting = (await client.query<{ autovacuum: string }>('show autovacuum')).rows[0]!.autovacuum;
  if (setting === 'on' || everyMs <= 0) {
    await client.end();
    return async () => 0;
  }
  progress(`the server has autovacuum=${setting}: analyzing the database every ${everyMs / 1000} s in its stead`);
  let runs = 0;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => client.query('analyze').then(() => runs++)).catch(() => undefined);
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
    await client.end();
    return runs;
  };
}
