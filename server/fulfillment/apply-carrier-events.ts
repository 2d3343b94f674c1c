import { DomainError, ValidationError, type FieldError } from '#server/core/errors.ts';
import type { ServiceContext } from '#server/context.ts';
import { applyCarrierEvent } from './apply-carrier-event.ts';
import { CarrierEventInput, type CarrierEventResult } from './carrier-events.schemas.ts';

/** Packages whose events are applied at once; each package's events go one after another. */
const PACKAGES_AT_ONCE = 16;

export type CarrierBatchOutcome = { index: number; eventId: string | null } & ({ result: CarrierEventResult } | { error: Error });

/**
 * A carrier's delivery of many tracking events: each is checked and applied exactly as a
 * single webhook would be (applyCarrierEvent, its own transaction), so one unknown package
 * or malformed event never blocks the others. Events of one package are applied in the order
 * sent; different packages' events at once.
 */
export async function applyCarrierEvents(ctx: ServiceContext, carrier: string, items: readonly Record<string, unknown>[]): Promise<CarrierBatchOutcome[]> {
  const outcomes = new Array<CarrierBatchOutcome>(items.length);
  const byPackage = new Map<string, { index: number; input: CarrierEventInput }[]>();
  items.forEach((item, index) => {
    const eventId = typeof item['eventId'] === 'string' ? item['eventId'] : null;
    const parsed = CarrierEventInput.safeParse(item);
    if (!parsed.success) {
      const errors: FieldError[] = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(event)', message: i.message }));
      outcomes[index] = { index, eventId, error: new ValidationError(errors) };
      return;
    }
    const queue = byPackage.get(parsed.data.trackingNumber) ?? [];
    queue.push({ index, input: parsed.data });
    byPackage.set(parsed.data.trackingNumber, queue);
  });
  const packages = [...byPackage.values()];
  let next = 0;
  const worker = async () => {
    while (next < packages.length) {
      for (const { index, input } of packages[next++]!) {
        try {
          outcomes[index] = { index, eventId: input.eventId, result: await applyCarrierEvent(ctx, carrier, input) };
        } catch (error) {
          if (!(error instanceof DomainError)) ctx.logger.error({ err: error, carrier, eventId: input.eventId }, 'could not apply a carrier event of a batch');
          outcomes[index] = { index, eventId: input.eventId, error: error instanceof Error ? error : new Error(String(error)) };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PACKAGES_AT_ONCE, packages.length) }, worker));
  return outcomes;
}
