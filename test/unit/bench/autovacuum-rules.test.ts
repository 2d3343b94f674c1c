import { describe, expect, it } from 'vitest';
import { tablesDue, type AutovacuumSettings, type TableActivity } from '#test/bench/support/autovacuum-rules.ts';

/** PostgreSQL 13–18's defaults. */
const defaults: AutovacuumSettings = {
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  vacuumInsertThreshold: 1000,
  vacuumInsertScaleFactor: 0.2,
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
};

const table = (activity: Partial<TableActivity>): TableActivity => ({ table: 't', reltuples: 0, deadRows: 0, insertedSinceVacuum: 0, modifiedSinceAnalyze: 0, ...activity });

describe('tablesDue (autovacuum thresholds)', () => {
  it('analyzes a table once a tenth of it and 50 rows changed since its last analyze', () => {
    expect(tablesDue([table({ reltuples: 10_000, modifiedSinceAnalyze: 1_050 })], defaults)).toEqual([]);
    expect(tablesDue([table({ reltuples: 10_000, modifiedSinceAnalyze: 1_051 })], defaults)).toEqual([{ table: 't', vacuum: false, analyze: true }]);
  });

  it('counts a never-analyzed table (reltuples -1) as empty: 51 new rows are enough', () => {
    expect(tablesDue([table({ reltuples: -1, modifiedSinceAnalyze: 51 })], defaults)).toEqual([{ table: 't', vacuum: false, analyze: true }]);
  });

  it('vacuums on dead rows past a fifth of the table, and on inserts past a fifth and 1,000', () => {
    expect(tablesDue([table({ reltuples: 1_000, deadRows: 251 })], defaults)).toEqual([{ table: 't', vacuum: true, analyze: false }]);
    expect(tablesDue([table({ reltuples: 1_000, deadRows: 250, insertedSinceVacuum: 1_200 })], defaults)).toEqual([]);
    expect(tablesDue([table({ reltuples: 1_000, insertedSinceVacuum: 1_201, modifiedSinceAnalyze: 1_201 })], defaults)).toEqual([{ table: 't', vacuum: true, analyze: true }]);
  });

  it('never vacuums for inserts when the insert threshold is -1', () => {
    expect(tablesDue([table({ insertedSinceVacuum: 1e9 })], { ...defaults, vacuumInsertThreshold: -1 })).toEqual([]);
  });

  it('leaves a big table that changed little alone while a small busy one is due', () => {
    const due = tablesDue(
      [table({ table: 'outbox', reltuples: 1_000_000, insertedSinceVacuum: 150_000, modifiedSinceAnalyze: 90_000 }), table({ table: 'inventory_levels', reltuples: 3_500, deadRows: 900, modifiedSinceAnalyze: 5_000 })],
      defaults,
    );
    expect(due).toEqual([{ table: 'inventory_levels', vacuum: true, analyze: true }]);
  });
});
