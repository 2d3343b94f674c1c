/**
 * Autovacuum's per-table decisions (PostgreSQL's autovacuum.c, `relation_needs_vacanalyze`), for
 * a bench that stands in for it on a server where it is off. A table is vacuumed once its dead rows
 * pass threshold + scale factor × its rows, or (PostgreSQL 13+) its rows inserted since the last
 * vacuum do; analyzed once its rows changed since the last analyze do.
 */
export interface AutovacuumSettings {
  vacuumThreshold: number;
  vacuumScaleFactor: number;
  /** Negative: inserts never trigger a vacuum (PostgreSQL's -1). */
  vacuumInsertThreshold: number;
  vacuumInsertScaleFactor: number;
  analyzeThreshold: number;
  analyzeScaleFactor: number;
}

/** A table's counters as pg_stat_user_tables and pg_class give them. */
export interface TableActivity {
  table: string;
  /** pg_class.reltuples: -1 (never vacuumed or analyzed) counts as 0, as autovacuum does. */
  reltuples: number;
  deadRows: number;
  insertedSinceVacuum: number;
  modifiedSinceAnalyze: number;
}

export interface TableDue {
  table: string;
  vacuum: boolean;
  analyze: boolean;
}

/** The tables autovacuum would work on now, and what it would do to each. */
export function tablesDue(tables: readonly TableActivity[], settings: AutovacuumSettings): TableDue[] {
  const due: TableDue[] = [];
  for (const t of tables) {
    const rows = Math.max(0, t.reltuples);
    const vacuum =
      t.deadRows > settings.vacuumThreshold + settings.vacuumScaleFactor * rows ||
      (settings.vacuumInsertThreshold >= 0 && t.insertedSinceVacuum > settings.vacuumInsertThreshold + settings.vacuumInsertScaleFactor * rows);
    const analyze = t.modifiedSinceAnalyze > settings.analyzeThreshold + settings.analyzeScaleFactor * rows;
    if (vacuum || analyze) due.push({ table: t.table, vacuum, analyze });
  }
  return due;
}
