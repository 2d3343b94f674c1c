import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '#db/client.ts';
import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { clickhouseTargetId } from '#analytics/clickhouse/target.ts';
import { ORDER_EVENT_COLUMNS, toOrderEventValues, type OutboxEvent } from './event-row.ts';
import { claimBatch, ensureProgress, acknowledgeBatch, leadershipLock, type Progress } from './progress.ts';

export interface RelayHooks {
  /**
   * Called at each step of a batch; a hook that throws interrupts the batch right there,
   * as a crash would (the fault tests kill the relay between insert and acknowledgement).
   */
  onStep?: (step: 'claimed' | 'inserted' | 'acknowledged', batch: RelayBatchRange) => void | Promise<void>;
}

export interface RelayOptions {
  db: Database;
  pool: pg.Pool;
  clickhouse: ClickHouseClient;
  logger: Logger;
  /** Most events per ClickHouse insert (10,000 by default, Tower's RELAY_BATCH_SIZE). */
  batchSize?: number;
  /** After a wake-up, how long to let events accumulate before reading a partial batch. */
  lingerMs?: number;
  /** Stops the relay (it finishes the batch in hand first). */
  signal?: AbortSignal;
  /** Polling fallback: read the outbox at least this often even if no NOTIFY arrives. */
  pollIntervalMs?: number;
  /** How often a relay that is not the leader tries to become it. */
  leaderRetryMs?: number;
  /** See `gapIsDead`. */
  gapGraceMs?: number;
  /** Retry delays after a failure (ClickHouse or PostgreSQL unavailable): doubling from min to max. */
  retryMinMs?: number;
  retryMaxMs?: number;
  hooks?: RelayHooks;
}

export interface RelayBatchRange {
  target: string;
  generation: number;
  /** The batch is every outbox id in (fromId, toId]. */
  fromId: number;
  toId: number;
  events: OutboxEvent[];
}

export interface RelayBatch extends RelayBatchRange {
  /** Time spent in the ClickHouse insert. */
  insertMs: number;
  /** From reading the outbox to the acknowledgement. */
  totalMs: number;
}

export interface RelayStats {
  /** The ClickHouse store this relay feeds (null until ClickHouse first answered). */
  target: string | null;
  /** Only the leader relays; the others wait to take over. */
  leader: boolean;
  /** Every outbox id up to this one is in ClickHouse. */
  lastRelayedId: number;
  batches: number;
  events: number;
  failures: number;
  lastBatchAt: Date | null;
  lastFailure: string | null;
  /** now - occurred_at of the oldest event not yet in ClickHouse; 0 when caught up. */
  relayLagMs: number;
}

export interface RelayEvents {
  batch: [RelayBatch];
  failure: [Error];
  leadership: [boolean];
}

export interface RelayHandle {
  /** Resolves once the relay has stopped (after `signal` aborted or `stop()`). */
  readonly done: Promise<void>;
  stats(): RelayStats;
  relayLagMs(): number;
  on<E extends keyof RelayEvents>(event: E, listener: (...args: RelayEvents[E]) => void): this;
  off<E extends keyof RelayEvents>(event: E, listener: (...args: RelayEvents[E]) => void): this;
  /** Resolves once every outbox id <= `id` is in ClickHouse. */
  untilRelayed(id: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Every relay running in this process, for whoever reports metrics. */
const running = new Set<Relay>();

/** Stats of the relays running in this process (usually one). */
export function relayStats(): RelayStats[] {
  return [...running].map((relay) => relay.stats());
}

/** Every relay of this process emits its `batch`, `failure` and `leadership` events here too. */
export const relayEvents = new EventEmitter<RelayEvents>();

/**
 * Starts the outbox relay: copies every outbox event to ClickHouse's `order_events`, in
 * order, effectively once. See analytics/README.md for the whole argument; in short:
 *
 * - One leader per ClickHouse store: a session advisory lock held on the relay's own
 *   PostgreSQL connection, which also carries LISTEN and every progress update, so losing
 *   the connection loses the lock and the right to acknowledge at the same instant. Other
 *   relays idle and take over within `leaderRetryMs`.
 * - A batch is claimed in `relay_progress` (pending_to) before it is inserted, inserted with
 *   a deduplication token naming exactly that id range, then acknowledged (last_id). A
 *   crash anywhere in between replays the same range with the same token, which ClickHouse
 *   drops as a duplicate (and so do the materialized views).
 * - Outbox ids can commit out of order; the relay never moves past an id that may still
 *   commit (see `gapIsDead`).
 */
export function runRelay(options: RelayOptions): RelayHandle {
  return new Relay(options);
}

type Outcome = 'more' | 'gap' | 'idle';

/** One read of the outbox: the visible events after an id, and the snapshot they were read in. */
interface OutboxRead {
  events: OutboxEvent[];
  /** `toOrderEventValues` of each event, built as soon as the read answers (during the previous insert when prefetched). */
  values: unknown[][];
  snapshot: { xmin: bigint; xmax: bigint };
  /** Date.now() when the query was sent (before its snapshot was taken) and when it answered (after). */
  sentAt: number;
  receivedAt: number;
}

class Relay extends EventEmitter<RelayEvents> implements RelayHandle {
  readonly done: Promise<void>;
  readonly #o: Required<Omit<RelayOptions, 'signal' | 'hooks'>> & { hooks: RelayHooks };
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  #target: string | null = null;
  #session: pg.PoolClient | null = null;
  #sessionBroken = false;
  #leader = false;
  #progress: Progress | null = null;
  #lastRelayedId = 0;
  #oldestUnrelayed: Date | null = null;
  #gaps = new Map<number, { seenAt: number; xmax?: bigint }>();
  /** The read of the next batch, sent while the current one is inserted (see `#round`). */
  #prefetch: { afterId: number; generation: number; read: Promise<OutboxRead> } | null = null;
  #notified = false;
  #wake: (() => void) | null = null;
  #counters = { batches: 0, events: 0, failures: 0, lastBatchAt: null as Date | null, lastFailure: null as string | null };

  constructor(options: RelayOptions) {
    super();
    this.#o = {
      db: options.db,
      pool: options.pool,
      clickhouse: options.clickhouse,
      logger: options.logger.child({ component: 'relay' }),
      batchSize: options.batchSize ?? 10_000,
      lingerMs: options.lingerMs ?? 50,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      leaderRetryMs: options.leaderRetryMs ?? 1_000,
      gapGraceMs: options.gapGraceMs ?? 50,
      retryMinMs: options.retryMinMs ?? 100,
      retryMaxMs: options.retryMaxMs ?? 5_000,
      hooks: options.hooks ?? {},
    };
    this.#signal = options.signal ? AbortSignal.any([options.signal, this.#stop.signal]) : this.#stop.signal;
    this.#signal.addEventListener('abort', () => this.#wake?.(), { once: true });
    running.add(this);
    this.done = this.#run().finally(() => running.delete(this));
  }

  stats(): RelayStats {
    return {
      target: this.#target,
      leader: this.#leader,
      lastRelayedId: this.#lastRelayedId,
      ...this.#counters,
      relayLagMs: this.relayLagMs(),
    };
  }

  relayLagMs(): number {
    return this.#oldestUnrelayed ? Math.max(0, Date.now() - this.#oldestUnrelayed.getTime()) : 0;
  }

  async untilRelayed(id: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.stats().lastRelayedId < id) {
      if (Date.now() > deadline) throw new Error(`outbox id ${id} not relayed within ${timeoutMs} ms (at ${this.stats().lastRelayedId})`);
      if (this.#signal.aborted) throw new Error('the relay stopped');
      await delay(10);
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.done;
  }

  async #run(): Promise<void> {
    const { logger } = this.#o;
    let backoff = this.#o.retryMinMs;
    while (!this.#signal.aborted) {
      let phase: 'clickhouse' | 'postgres' = 'postgres';
      try {
        if (!this.#target) {
          phase = 'clickhouse';
          this.#target = await clickhouseTargetId(this.#o.clickhouse);
          phase = 'postgres';
        }
        if (!this.#session || this.#sessionBroken) await this.#openSession();
        if (!this.#leader) {
          if (!(await this.#tryToLead())) {
            await this.#followerView();
            await this.#sleep(this.#o.leaderRetryMs);
            continue;
          }
        }
        const outcome = await this.#round((p) => (phase = p));
        backoff = this.#o.retryMinMs;
        if (outcome === 'more') continue;
        if (outcome === 'gap') {
          await this.#sleep(Math.max(5, Math.min(this.#o.gapGraceMs, 20)));
          continue;
        }
        await this.#waitForWake(this.#o.pollIntervalMs);
        if (this.#o.lingerMs > 0) await this.#sleep(this.#o.lingerMs);
      } catch (error) {
        if (this.#signal.aborted) break;
        const err = error instanceof Error ? error : new Error(String(error));
        this.#counters.failures += 1;
        this.#counters.lastFailure = `${phase}: ${err.message}`;
        logger.warn({ err, phase, retryInMs: backoff }, 'relay batch failed; retrying');
        this.#emit('failure', err);
        this.#prefetch = null; // read before the failure: read again
        // ClickHouse failing says nothing about the PostgreSQL session: keep it (and the lead).
        if (phase === 'postgres') await this.#closeSession();
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, this.#o.retryMaxMs);
      }
    }
    await this.#closeSession();
    logger.info('relay stopped');
  }

  /** One batch at most. */
  async #round(setPhase: (phase: 'clickhouse' | 'postgres') => void): Promise<Outcome> {
    const session = this.#session!;
    const target = this.#target!;
    const started = performance.now();
    if (!this.#progress) {
      this.#progress = await ensureProgress(session, target);
      this.#lastRelayedId = this.#progress.lastId;
    }
    const progress = this.#progress;

    // A batch claimed before a crash (or by the previous leader) goes again, unchanged.
    if (progress.pendingTo !== null) {
      const { rows } = await session.query<OutboxRow>(`${SELECT_EVENTS} where id > $1 and id <= $2 order by id`, [progress.lastId, progress.pendingTo]);
      const events = rows.map(toEvent);
      this.#oldestUnrelayed = events[0]?.occurredAt ?? this.#oldestUnrelayed;
      const batch = { target, generation: progress.generation, fromId: progress.lastId, toId: progress.pendingTo, events };
      await this.#insertAndAcknowledge(session, batch, started, setPhase);
      return 'more';
    }

    const read = (await this.#takePrefetched(progress)) ?? (await this.#read(session, progress.lastId));
    const { events: visible, snapshot } = read;
    const take: OutboxEvent[] = [];
    let expected = progress.lastId + 1;
    let blocked = false;
    for (const event of visible) {
      if (event.id > expected && !this.#gapIsDead(expected, snapshot, read)) {
        blocked = true;
        break;
      }
      take.push(event);
      expected = event.id + 1;
    }
    this.#oldestUnrelayed = visible[0]?.occurredAt ?? null;
    if (take.length === 0) return blocked ? 'gap' : 'idle';

    const toId = take[take.length - 1]!.id;
    const batch = { target, generation: progress.generation, fromId: progress.lastId, toId, events: take };
    if (!(await claimBatch(session, batch))) {
      this.#progress = null; // someone else (a rebuild, a previous leader) changed it: reread
      return 'more';
    }
    this.#progress = { ...progress, pendingTo: toId };
    await this.#step('claimed', batch);
    // Pipelining: a full batch is most likely followed by another, so its read goes to
    // PostgreSQL now and runs while ClickHouse inserts this one. Only the read: the next batch
    // is claimed after this one is acknowledged, as always, and its read is used only if the
    // cursor is then exactly where this batch ends (else it is dropped and read again).
    if (!blocked && visible.length >= this.#o.batchSize) {
      const next = this.#read(session, toId);
      next.catch(() => undefined); // reported when (if) it is used
      this.#prefetch = { afterId: toId, generation: progress.generation, read: next };
    }
    await this.#insertAndAcknowledge(session, batch, started, setPhase, read.values.slice(0, take.length));
    const rest = visible.slice(take.length);
    this.#oldestUnrelayed = rest[0]?.occurredAt ?? (visible.length >= this.#o.batchSize ? take[take.length - 1]!.occurredAt : null);
    if (blocked) return 'gap';
    return visible.length >= this.#o.batchSize ? 'more' : 'idle';
  }

  async #insertAndAcknowledge(
    session: pg.PoolClient,
    batch: RelayBatchRange,
    started: number,
    setPhase: (phase: 'clickhouse' | 'postgres') => void,
    values: unknown[][] = batch.events.map(toOrderEventValues),
  ) {
    const insertStarted = performance.now();
    if (batch.events.length > 0) {
      setPhase('clickhouse');
      await this.#o.clickhouse.insert({
        table: 'order_events',
        // Positional rows: ClickHouse parses them markedly faster than JSONEachRow's named
        // fields (measured: test/bench/RESULTS.md); the same values either way.
        values,
        columns: [...ORDER_EVENT_COLUMNS] as [string, ...string[]],
        format: 'JSONCompactEachRow',
        clickhouse_settings: {
          // Synchronous: the insert is in the table (and the views) when it returns. chdb and
          // recent servers default to async_insert = 1, which buffers and batches inserts.
          async_insert: 0,
          insert_deduplicate: 1,
          // Names exactly this range of this generation: the same batch sent again after a
          // crash carries the same token, and ClickHouse drops it (MVs included).
          insert_deduplication_token: `${batch.target}:${batch.generation}:${batch.fromId}:${batch.toId}`,
          deduplicate_blocks_in_dependent_materialized_views: 1,
        },
        // Stopping cuts a hanging insert short; the claimed batch goes again at the next start.
        abort_signal: this.#signal,
      });
      setPhase('postgres');
    }
    const insertMs = performance.now() - insertStarted;
    await this.#step('inserted', batch);
    if (!(await acknowledgeBatch(session, batch))) {
      this.#progress = null;
      return;
    }
    this.#progress = { lastId: batch.toId, pendingTo: null, generation: batch.generation };
    this.#lastRelayedId = batch.toId;
    for (const start of this.#gaps.keys()) if (start <= batch.toId) this.#gaps.delete(start);
    this.#counters.batches += 1;
    this.#counters.events += batch.events.length;
    this.#counters.lastBatchAt = new Date();
    await this.#step('acknowledged', batch);
    const relayed: RelayBatch = { ...batch, insertMs, totalMs: performance.now() - started };
    this.#o.logger.debug({ fromId: batch.fromId, toId: batch.toId, events: batch.events.length, insertMs: Math.round(insertMs) }, 'relayed');
    this.#emit('batch', relayed);
  }

  /** The visible outbox events after `afterId` (a batch at most), with the snapshot's xmin and xmax. */
  async #read(session: pg.PoolClient, afterId: number): Promise<OutboxRead> {
    this.#notified = false;
    const sentAt = Date.now();
    const { rows } = await session.query<OutboxRow & { snap_xmin: string; snap_xmax: string }>(
      `select s.snap_xmin, s.snap_xmax, o.* from
         (select pg_snapshot_xmin(pg_current_snapshot())::text as snap_xmin, pg_snapshot_xmax(pg_current_snapshot())::text as snap_xmax) s
         left join lateral (${SELECT_EVENTS} where id > $1 order by id limit $2) o on true`,
      [afterId, this.#o.batchSize],
    );
    const events = rows.filter((row) => row.id !== null).map(toEvent);
    return {
      events,
      values: events.map(toOrderEventValues),
      snapshot: { xmin: BigInt(rows[0]!.snap_xmin), xmax: BigInt(rows[0]!.snap_xmax) },
      sentAt,
      receivedAt: Date.now(),
    };
  }

  /** The prefetched read, if it starts exactly at the cursor (else it is dropped). */
  async #takePrefetched(progress: Progress): Promise<OutboxRead | null> {
    const prefetch = this.#prefetch;
    this.#prefetch = null;
    if (!prefetch || prefetch.afterId !== progress.lastId || prefetch.generation !== progress.generation || progress.pendingTo !== null) return null;
    return prefetch.read;
  }

  /**
   * Outbox ids come from a sequence when a row is inserted, but become visible when its
   * transaction commits, so id 7 can be visible while id 5 is not yet: either 5's
   * transaction is still running (it will commit, and must be relayed before the cursor
   * moves past it), or it rolled back (5 never appears, and waiting forever would stall).
   *
   * The missing range starting at `start` is dead once every transaction that could be
   * writing it has ended. Whoever holds an id took it from the sequence before the larger,
   * visible id was taken, so it is running when we first see the gap, and has an xid a few
   * microseconds after taking the id at most (nextval comes just before the row's insert,
   * which assigns the xid). So: `gapGraceMs` after first seeing the gap we note the
   * snapshot's xmax (every xid assigned so far is below it); once a snapshot's xmin (the
   * oldest transaction still running) reaches that value and the ids are still missing
   * in that same snapshot, they were rolled back. A gap costs one grace period plus the
   * rest of the holding transaction; without gaps nothing waits.
   */
  #gapIsDead(start: number, snapshot: { xmin: bigint; xmax: bigint }, read: Pick<OutboxRead, 'sentAt' | 'receivedAt'>): boolean {
    let gap = this.#gaps.get(start);
    // Timed on the safe side of each read, which may have been sent well before it is looked
    // at (pipelining): first seen when the read answered, later snapshots as of their sending.
    if (!gap) this.#gaps.set(start, (gap = { seenAt: read.receivedAt }));
    if (gap.xmax === undefined && Math.max(0, read.sentAt - gap.seenAt) >= this.#o.gapGraceMs) gap.xmax = snapshot.xmax;
    return gap.xmax !== undefined && snapshot.xmin >= gap.xmax;
  }

  async #openSession(): Promise<void> {
    await this.#closeSession();
    const client = await this.#o.pool.connect();
    this.#sessionBroken = false;
    client.on('error', (error) => {
      this.#sessionBroken = true;
      this.#o.logger.warn({ err: error }, 'relay lost its PostgreSQL connection');
      this.#wake?.();
    });
    client.on('notification', () => {
      this.#notified = true;
      this.#wake?.();
    });
    this.#session = client;
    await client.query('LISTEN outbox');
  }

  async #closeSession(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    this.#progress = null;
    this.#prefetch = null;
    this.#gaps.clear();
    if (this.#leader) {
      this.#leader = false;
      this.#emit('leadership', false);
    }
    if (!session) return;
    // Destroyed, not returned to the pool: its LISTEN and advisory lock end with it.
    session.release(true);
  }

  async #tryToLead(): Promise<boolean> {
    const { rows } = await this.#session!.query<{ locked: boolean }>(`select pg_try_advisory_lock(${leadershipLock}) as locked`, [this.#target]);
    if (!rows[0]?.locked) return false;
    this.#leader = true;
    this.#progress = null;
    this.#o.logger.info({ target: this.#target }, 'relay is the leader for this ClickHouse store');
    this.#emit('leadership', true);
    return true;
  }

  /** A relay that is not the leader still reports how far the leader got and the lag. */
  async #followerView(): Promise<void> {
    const result = await this.#o.db.execute<{ last_id: number | string; occurred_at: Date | string | null }>(sql`
      select p.last_id, (select occurred_at from outbox where id > p.last_id order by id limit 1) as occurred_at
      from relay_progress p where p.target = ${this.#target}`);
    const row = result.rows[0];
    this.#lastRelayedId = row ? Number(row.last_id) : 0;
    this.#oldestUnrelayed = row?.occurred_at ? new Date(row.occurred_at) : null;
  }

  async #step(step: 'claimed' | 'inserted' | 'acknowledged', batch: RelayBatchRange): Promise<void> {
    await this.#o.hooks.onStep?.(step, batch);
  }

  #emit<E extends keyof RelayEvents>(event: E, ...args: RelayEvents[E]): void {
    for (const emitter of [this, relayEvents] as EventEmitter[]) {
      try {
        emitter.emit(event, ...args);
      } catch (error) {
        this.#o.logger.error({ err: error, event }, 'a relay listener failed');
      }
    }
  }

  #waitForWake(ms: number): Promise<void> {
    if (this.#notified || this.#signal.aborted) return Promise.resolve();
    return this.#sleep(ms, true);
  }

  /** Sleeps `ms`; stopping always cuts it short, and so does a NOTIFY when `wakeable`. */
  #sleep(ms: number, wakeable = false): Promise<void> {
    if (this.#signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = wakeable ? done : () => this.#signal.aborted && done();
    });
  }
}

interface OutboxRow {
  id: number | string;
  event_id: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

const SELECT_EVENTS = 'select id, event_id, type, aggregate_type, aggregate_id, occurred_at, payload from outbox';

function toEvent(row: OutboxRow): OutboxEvent {
  return {
    id: Number(row.id),
    eventId: row.event_id,
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    occurredAt: row.occurred_at,
    payload: row.payload,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
