import type { DriverStats } from './world.ts';

/** Where a run is: reported to `onProgress` a few times a second. */
export interface Progress {
  phase: 'seeding' | 'backfill' | 'live' | 'done';
  /** The simulated moment reached. */
  simulatedAt: string;
  /** Share of the backfill done, 0 to 1 (1 once live). */
  fraction: number;
  stats: DriverStats;
  requestsSent: number;
  elapsedMs: number;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function rate(count: number, ms: number): string {
  return ms > 0 ? (count / (ms / 1000)).toFixed(1) : '0.0';
}

/** One line: a bar (on a terminal), the simulated day, orders and their fates, speed. */
export function formatProgress(p: Progress, options: { barWidth?: number } = {}): string {
  const width = options.barWidth ?? 0;
  const filled = Math.round(Math.min(1, Math.max(0, p.fraction)) * width);
  const bar = width > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
  const s = p.stats;
  const percent = p.phase === 'backfill' ? ` ${(p.fraction * 100).toFixed(0).padStart(3)}%` : '';
  return (
    `${bar}${p.phase}${percent} ${p.simulatedAt.slice(0, 16).replace('T', ' ')}Z` +
    ` · orders ${s.ordersPlaced} (declined ${s.ordersDeclined}, out of stock ${s.ordersOutOfStock}, cancelled ${s.ordersCancelled})` +
    ` · shipped ${s.shipmentsShipped} · delivered ${s.deliveries} · returns ${s.returnsRequested}` +
    ` · ${rate(s.ordersPlaced, p.elapsedMs)} orders/s, ${rate(p.requestsSent, p.elapsedMs)} req/s · ${duration(p.elapsedMs)}` +
    (s.errors > 0 ? ` · ${s.errors} errors` : '')
  );
}

/**
 * Writes progress to a stream: a bar redrawn in place on a terminal, else a plain line every
 * `everyMs` (logs and CI stay readable).
 */
export class ProgressPrinter {
  private lastLineAt = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly everyMs = 5_000,
  ) {}

  update(p: Progress): void {
    if (this.out.isTTY) {
      const columns = this.out.columns ?? 100;
      const line = formatProgress(p, { barWidth: 24 });
      this.out.write(`\r${line.slice(0, columns - 1).padEnd(columns - 1)}`);
      return;
    }
    if (p.phase !== 'done' && Date.now() - this.lastLineAt < this.everyMs) return;
    this.lastLineAt = Date.now();
    this.out.write(`${formatProgress(p)}\n`);
  }

  finish(p: Progress): void {
    if (this.out.isTTY) this.out.write(`\r${formatProgress(p, { barWidth: 24 })}\n`);
    else this.out.write(`${formatProgress(p)}\n`);
  }
}
