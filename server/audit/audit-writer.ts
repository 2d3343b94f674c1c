import type { Logger } from 'pino';
import type { Database } from '#db/client.ts';
import type { auditLog } from '#db/schema/identity.ts';
import { insertAuditEntries } from './insert-audit-entries.ts';

export type AuditEntry = typeof auditLog.$inferInsert;

/** An entry before its target and outcome are known. */
export type RequestAudit = Omit<AuditEntry, 'id' | 'targetType' | 'targetId' | 'status' | 'outcome'>;

interface Batch {
  entries: AuditEntry[];
  done: Promise<void>;
  resolve: () => void;
}

/**
 * Writes audit entries with group commit: while one insert is in flight, entries queue up
 * and go together in the next one, so a busy server pays one insert per batch, not per
 * request. A request's response waits for its entry to be written, so an acknowledged change
 * is always in the log. A failed write is logged (the change itself already happened and must
 * not be reported as failed).
 */
export class AuditWriter {
  private next: Batch | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  record(entry: AuditEntry): Promise<void> {
    if (!this.next) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.next = { entries: [], done, resolve };
    }
    this.next.entries.push(entry);
    const { done } = this.next;
    if (!this.inFlight) this.flush();
    return done;
  }

  /** Resolves once everything recorded so far is written (for shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight || this.next) {
      if (!this.inFlight) this.flush();
      await this.inFlight;
    }
  }

  private flush(): void {
    const batch = this.next;
    if (!batch) return;
    this.next = undefined;
    this.inFlight = insertAuditEntries(this.db, batch.entries)
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error, lost: batch.entries.length }, 'could not write audit entries'),
      )
      .finally(() => {
        batch.resolve();
        this.inFlight = undefined;
        if (this.next) this.flush();
      });
  }
}
