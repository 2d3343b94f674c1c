import { decideSourcing } from './choose-sources.ts';
import type { SourcingPolicy } from './sourcing-policy.ts';
import type { SourcingDecision, SourcingRequest } from './sourcing.types.ts';

/**
 * Sources an order's backordered units once stock has arrived, by the same engine and policy as
 * its first decision. `request` holds only what waits (each line's backordered units, under its
 * own `lineIndex`), dated when the stock arrived, with the availability free now: the stock the
 * order already holds is in its shipments, which stand (`prior.shipments`, priced into the total
 * and counted for the split penalty). The locations the order's rejections excluded stay
 * excluded; their adjustments are carried for a later rejection to replay but not applied here,
 * since the stock read now already reflects them. What nothing can supply stays short.
 */
export function sourceBackorder(request: SourcingRequest, policy: SourcingPolicy, prior: SourcingDecision): SourcingDecision {
  const decision = decideSourcing(request, { ...policy, exclusions: [...policy.exclusions, ...prior.exclusions] }, {
    kept: prior.shipments,
    reroute: null,
    carriedShort: [],
    adjustments: prior.adjustments,
    exclusions: prior.exclusions,
  });
  const units = request.lines.reduce((sum, l) => sum + l.quantity, 0);
  return { ...decision, log: { ...decision.log, summary: `Backorder of ${units} unit(s) sourced when stock arrived; ${decision.log.summary}` } };
}
