import type { RejectionReason as Reason, RejectShipmentInput as RejectBody, RerouteResult as Rejection, Shipment as ShipmentSchema } from '#server/fulfillment/fulfillment.schemas.ts';
import type { z } from 'zod';

// The station's shipment, from its schema rather than from the station's runes module: this file stays pure.
type Shipment = z.infer<typeof ShipmentSchema>;

export type { Reason, Rejection };

/** The reasons a location may give, in the words of the floor; `partial` ones say what each line can still send. */
export const REJECTION_REASONS: readonly { value: Reason; label: string; partial: boolean }[] = [
  { value: 'short_pick', label: 'Short pick: fewer units on the shelf', partial: true },
  { value: 'damaged', label: 'Damaged units', partial: true },
  { value: 'capacity', label: 'No capacity today', partial: false },
  { value: 'closure', label: 'Location closed', partial: false },
];

export function isPartial(reason: Reason): boolean {
  return REJECTION_REASONS.find((r) => r.value === reason)?.partial ?? false;
}

/**
 * The request body: a whole-shipment reason sends no lines; a partial one lists the lines whose
 * sendable units are below their quantity (lines sent in full are left out, as the API expects).
 */
export function rejectionBody(shipment: Shipment, reason: Reason, sendable: Record<string, number>): RejectBody {
  if (!isPartial(reason)) return { reason };
  const lines = shipment.lines
    .map((line) => ({ shipmentLineId: line.id, fulfillableQuantity: sendable[line.id] ?? 0 }))
    .filter((given, k) => given.fulfillableQuantity < shipment.lines[k]!.quantity);
  return { reason, lines };
}

/** What became of the handed-back units, one sentence for the station. */
export function describeRejection(result: Rejection, locationName: (id: string) => string): { resourced: string; backordered: string } {
  return {
    resourced: result.moved.map((m) => `${m.sku} × ${m.quantity} to ${locationName(m.locationId)}`).join(', '),
    backordered: result.backordered.map((b) => `${b.sku} × ${b.quantity}`).join(', '),
  };
}
