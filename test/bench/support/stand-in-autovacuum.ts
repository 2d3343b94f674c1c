import pg from 'pg';
import { tablesDue, type AutovacuumSettings, type TableActivity } from './autovacuum-rules.ts';

export interface AutovacuumWork {
  vacuums: number;
  analyzes: number;
}

/**
 * When the server runs with autovacuum off (this machine's CI configuration does), nothing ever
 * gathers planner statistics or clears dead rows, and a database filling at hundreds of rows a
 * second is planned as if it were empty: nested scans that grow with every order. This does what
 * a production server's autovacuum would: every naptime (the server's `autovacuum_naptime`, or
 * `everyMs`) it vacuums and analyzes the tables past the server's own thresholds, throttled by its
 * cost delay, one table at a time (autovacuum has up to three workers). Until 2026-12-07 the bench
 * analyzed the whole database every minute instead: its big append-only tables (outbox, audit)
 * were sampled again each time (a tenth of PostgreSQL's statement time over 25 days), and dead
 * rows were never cleared. Does nothing when the server's own autovacuum is on.
 */
export async function standInAutovacuum(databaseUrl: string, everyMs: number | undefined, progress: (message: string) => void): Promise<() => Promise<AutovacuumWork>> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'tower-bench-autovacuum' });
  await client.connect();
  const settings = await readSettings(client);
  const work: AutovacuumWork = { vacuums: 0, analyzes: 0 };
  const naptimeMs = everyMs ?? settings.naptimeMs;
  if (settings.on || naptimeMs <= 0) {
    await client.end();
    return async () => work;
  }
  progress(`the server has autovacuum off: doing its work in its stead every ${naptimeMs / 1000} s`);
  // Autovacuum's workers throttle themselves so that the application keeps the machine.
  await client.query(`set vacuum_cost_delay = ${settings.costDelayMs}`);
  await client.query(`set vacuum_cost_limit = ${settings.costLimit}`);

  let stopped = false;
  const round = async () => {
    const due = tablesDue(await readActivity(client), settings.rules);
    for (const table of due) {
      if (stopped) return;
      const name = client.escapeIdentifier(table.table);
      await client.query(table.vacuum ? `vacuum (analyze ${table.analyze}) ${name}` : `analyze ${name}`);
      if (table.vacuum) work.vacuums++;
      if (table.analyze) work.analyzes++;
    }
  };
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    // A round still working when the next is due: the next waits for the one after.
    if (busy) return;
    busy = true;
    running = round()
      .catch((error: unknown) => progress(`autovacuum stand-in: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (busy = false));
  }, naptimeMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    await client.end();
    return work;
  };
}

async function readSettings(client: pg.Client) {
  const rows = (
    await client.query<{ name: string; setting: string }>(`
      select name, setting from pg_settings
      where name in ('autovacuum', 'autovacuum_naptime', 'autovacuum_vacuum_cost_delay', 'autovacuum_vacuum_cost_limit', 'vacuum_cost_delay', 'vacuum_cost_limit',
        'autovacuum_vacuum_threshold', 'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_insert_threshold',
        'autovacuum_vacuum_insert_scale_factor', 'autovacuum_analyze_threshold', 'autovacuum_analyze_scale_factor')`)
  ).rows;
  const setting = new Map(rows.map((r) => [r.name, r.setting]));
  const number = (name: string) => Number(setting.get(name));
  const rules: AutovacuumSettings = {
    vacuumThreshold: number('autovacuum_vacuum_threshold'),
    vacuumScaleFactor: number('autovacuum_vacuum_scale_factor'),
    vacuumInsertThreshold: number('autovacuum_vacuum_insert_threshold'),
    vacuumInsertScaleFactor: number('autovacuum_vacuum_insert_scale_factor'),
    analyzeThreshold: number('autovacuum_analyze_threshold'),
    analyzeScaleFactor: number('autovacuum_analyze_scale_factor'),
  };
  // Either of autovacuum's own at -1 means vacuum's (PostgreSQL's rule for both).
  const ownDelay = number('autovacuum_vacuum_cost_delay');
  const ownLimit = number('autovacuum_vacuum_cost_limit');
  return {
    on: setting.get('autovacuum') === 'on',
    naptimeMs: number('autovacuum_naptime') * 1000,
    // In the units pg_settings gives them: milliseconds, and cost points.
    costDelayMs: ownDelay >= 0 ? ownDelay : number('vacuum_cost_delay'),
    costLimit: ownLimit > 0 ? ownLimit : number('vacuum_cost_limit'),
    rules,
  };
}

async function readActivity(client: pg.Client): Promise<TableActivity[]> {
  const { rows } = await client.query<{ table: string; reltuples: number; dead: string; inserted: string; modified: string }>(`
    select s.relname as table, c.reltuples::float8 as reltuples, s.n_dead_tup as dead, s.n_ins_since_vacuum as inserted, s.n_mod_since_analyze as modified
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.schemaname = current_schema()`);
  return rows.map((r) => ({ table: r.table, reltuples: r.reltuples, deadRows: Number(r.dead), insertedSinceVacuum: Number(r.inserted), modifiedSinceAnalyze: Number(r.modified) }));
}
