import type { ZodType } from 'zod';
import type { Executor } from '#db/client.ts';
import { insertAuditEntries } from '#server/audit/insert-audit-entries.ts';
import type { AuditEntry } from '#server/audit/audit-writer.ts';
import { mayUseLocation, type Actor } from '#server/auth/actor.ts';
import { runAsOf } from '#server/core/as-of.ts';
import { auditOutcome, itemFieldErrors, itemMoment, type BatchItemScope } from '#server/core/batch-item.ts';
import { DomainError, ValidationError, type FieldError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { WaveItemEnvelope, type FloorStep } from './floor-wave.schemas.ts';
import { lockShipments, type LockedShipment } from './lock-shipment.ts';
import type { ShipmentStatus } from './shipment-status.ts';

/** One item of a wave, its shipment locked, as the set-based step sees it. */
export interface WaveItem<B> {
  index: number;
  shipmentId: string;
  /** Its own `asOf`, else the request's moment. */
  occurredAt: Date;
  body: B;
  shipment: LockedShipment;
}

/**
 * A floor step for many shipments: `applyInSet` applies, in the wave's transaction and with the
 * items' orders and shipments locked, every item it can exactly as the single command would (in
 * a few statements for all of them) and answers their indexes; each item it leaves (anything
 * unusual: a refusal, a short pick to hand back, a second item of one shipment) runs after the
 * commit as the single command itself, which answers it.
 */
export interface FloorWaveStep<B> {
  step: FloorStep;
  /** The single command's body, without the item's envelope (shipmentId, asOf). */
  body: ZodType<B>;
  /** The shipment's status once the step is done. */
  after: ShipmentStatus;
  applyInSet(ctx: ServiceContext, tx: Executor, actor: Actor | null, items: WaveItem<B>[]): Promise<Set<number>>;
  single(ctx: ServiceContext, actor: Actor | null, shipmentId: string, body: B): Promise<{ status: string }>;
}

export type WaveOutcome = { index: number; shipmentId: string | null } & ({ shipmentStatus: string } | { error: Error });


interface Parsed<B> {
  index: number;
  shipmentId: string;
  asOf: Date | undefined;
  body: B;
}

/**
 * Runs one floor step over a wave of shipments, each item on its own: the same checks, writes,
 * events, audit entry and answer as the single command, and one refused item never blocks or
 * half-writes another. The plain items go through one transaction of set-based statements; the
 * others, and all of them should that transaction fail, through the single command one by one.
 */
export async function runFloorWave<B>(ctx: ServiceContext, actor: Actor | null, step: FloorWaveStep<B>, raw: readonly Record<string, unknown>[], scope: BatchItemScope): Promise<WaveOutcome[]> {
  const requestMoment = ctx.clock.now();
  const outcomes = new Array<WaveOutcome>(raw.length);
  const parsed: Parsed<B>[] = [];
  raw.forEach((item, index) => {
    const shipmentId = typeof item['shipmentId'] === 'string' ? item['shipmentId'] : null;
    try {
      parsed.push(parseItem(step, item, index, scope));
    } catch (error) {
      outcomes[index] = { index, shipmentId, error: error as Error };
    }
  });

  // A shipment named twice: its first item may go set-based, the others after it, one by one.
  const seen = new Set<string>();
  const candidates = parsed.filter((p) => !seen.has(p.shipmentId) && seen.add(p.shipmentId));
  const audits: AuditEntry[] = [];
  let applied = new Set<number>();
  if (candidates.length > 0) {
    try {
      applied = await ctx.db.transaction(async (tx) => {
        const locked = new Map((await lockShipments(tx, candidates.map((c) => c.shipmentId))).map((s) => [s.id, s]));
        const items: WaveItem<B>[] = [];
        for (const c of candidates) {
          const shipment = locked.get(c.shipmentId);
          if (shipment && mayUseLocation(actor, shipment.locationId)) items.push({ index: c.index, shipmentId: c.shipmentId, occurredAt: c.asOf ?? requestMoment, body: c.body, shipment });
        }
        const done = items.length > 0 ? await step.applyInSet(ctx, tx, actor, items) : new Set<number>();
        const entries = candidates.filter((c) => done.has(c.index)).map((c) => auditEntry(scope, c.index, c.asOf, c.shipmentId, 200));
        await insertAuditEntries(tx, entries);
        return done;
      });
    } catch (error) {
      ctx.logger.warn({ err: error, step: step.step, items: candidates.length }, 'a set-based floor wave failed; its items go one by one');
      applied = new Set();
    }
  }
  for (const c of candidates) if (applied.has(c.index)) outcomes[c.index] = { index: c.index, shipmentId: c.shipmentId, shipmentStatus: step.after };

  for (const p of parsed) {
    if (applied.has(p.index)) continue;
    const run = () => step.single(ctx, actor, p.shipmentId, p.body);
    try {
      const shipment = p.asOf ? await runAsOf(p.asOf, run) : await run();
      outcomes[p.index] = { index: p.index, shipmentId: p.shipmentId, shipmentStatus: shipment.status };
    } catch (error) {
      if (!(error instanceof DomainError)) ctx.logger.error({ err: error, step: step.step, shipmentId: p.shipmentId }, 'could not apply a floor step of a wave');
      outcomes[p.index] = { index: p.index, shipmentId: p.shipmentId, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }
  for (const o of outcomes) {
    if ('error' in o) audits.push(auditEntry(scope, o.index, parsed.find((p) => p.index === o.index)?.asOf, o.shipmentId, scope.statusOf(o.error)));
    else if (!applied.has(o.index)) audits.push(auditEntry(scope, o.index, parsed.find((p) => p.index === o.index)?.asOf, o.shipmentId, 200));
  }
  if (audits.length > 0) {
    await insertAuditEntries(ctx.db, audits).catch((error: unknown) => ctx.logger.error({ err: error, lost: audits.length }, 'could not write audit entries of a floor wave'));
  }
  return outcomes;
}

function parseItem<B>(step: FloorWaveStep<B>, item: Record<string, unknown>, index: number, scope: BatchItemScope): Parsed<B> {
  const { shipmentId, asOf, ...rest } = item;
  const envelope = WaveItemEnvelope.safeParse({ shipmentId, asOf });
  const body = step.body.safeParse(rest);
  const errors: FieldError[] = [...(envelope.success ? [] : itemFieldErrors(envelope.error, '(shipment)')), ...(body.success ? [] : itemFieldErrors(body.error, '(shipment)'))];
  if (errors.length > 0 || !envelope.success || !body.success) throw new ValidationError(errors);
  return { index, shipmentId: envelope.data.shipmentId, asOf: itemMoment(envelope.data.asOf, scope.mayDate), body: body.data };
}

function auditEntry(scope: BatchItemScope, index: number, asOf: Date | undefined, shipmentId: string | null, status: number): AuditEntry {
  const base = scope.audit(index, asOf);
  return { ...base, targetType: 'fulfillment', targetId: shipmentId, status, outcome: auditOutcome(status) };
}
