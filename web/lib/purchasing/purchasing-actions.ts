import { ApiError, errorMessage } from '../api/client.ts';
import type { PurchaseOrder, PurchaseOrderStatus, Transfer, TransferStatus } from '../api/types.ts';

/** What the signed-in user may do in purchasing (server/auth/permissions.ts decides; nav.ts asks). */
export interface PurchasingRights {
  write: boolean;
  receive: boolean;
  /** The locations a user is limited to; null: every location. */
  locationIds: readonly string[] | null;
}

const at = (rights: PurchasingRights, locationId: string) => rights.locationIds === null || rights.locationIds.includes(locationId);

// The moves of server/purchasing/purchase-order-status.ts and transfer-status.ts that a person starts.
const PO_SUBMIT: readonly PurchaseOrderStatus[] = ['draft'];
const PO_CANCEL: readonly PurchaseOrderStatus[] = ['draft', 'submitted'];
const PO_CLOSE: readonly PurchaseOrderStatus[] = ['partially_received', 'received'];
const PO_RECEIVE: readonly PurchaseOrderStatus[] = ['submitted', 'partially_received'];
const TR_SHIP: readonly TransferStatus[] = ['requested'];
const TR_CANCEL: readonly TransferStatus[] = ['requested'];
const TR_RECEIVE: readonly TransferStatus[] = ['shipped', 'partially_received'];

export function purchaseOrderActions(po: Pick<PurchaseOrder, 'status' | 'locationId'>, rights: PurchasingRights) {
  return {
    submit: rights.write && PO_SUBMIT.includes(po.status),
    cancel: rights.write && PO_CANCEL.includes(po.status),
    close: rights.write && PO_CLOSE.includes(po.status),
    receive: rights.receive && PO_RECEIVE.includes(po.status) && at(rights, po.locationId),
  };
}

export function transferActions(transfer: Pick<Transfer, 'status' | 'fromLocationId' | 'toLocationId'>, rights: PurchasingRights) {
  return {
    ship: rights.receive && TR_SHIP.includes(transfer.status) && at(rights, transfer.fromLocationId),
    receive: rights.receive && TR_RECEIVE.includes(transfer.status) && at(rights, transfer.toLocationId),
    cancel: rights.write && TR_CANCEL.includes(transfer.status),
  };
}

/** A line still to receive: a PO's open units, or a transfer's shipped units not yet in. */
export interface OpenLine {
  sku: string;
  open: number;
}

export function openPurchaseOrderLines(po: Pick<PurchaseOrder, 'lines'>): OpenLine[] {
  return po.lines.filter((line) => line.quantityOpen > 0).map((line) => ({ sku: line.sku, open: line.quantityOpen }));
}

export function openTransferLines(transfer: Pick<Transfer, 'lines'>): OpenLine[] {
  return transfer.lines.map((line) => ({ sku: line.sku, open: line.quantityShipped - line.quantityReceived })).filter((line) => line.open > 0);
}

/** The receipt's lines: each open line at the quantity typed, else all of it; zero lines are left out. */
export function receiptLines(open: readonly OpenLine[], typed: Readonly<Record<string, number>>): { sku: string; quantity: number }[] {
  return open.map((line) => ({ sku: line.sku, quantity: typed[line.sku] ?? line.open })).filter((line) => line.quantity > 0);
}

/** Units ordered, received and still open on a purchase order. */
export function purchaseOrderUnits(po: Pick<PurchaseOrder, 'lines'>): { ordered: number; received: number; open: number } {
  return po.lines.reduce((sum, line) => ({ ordered: sum.ordered + line.quantityOrdered, received: sum.received + line.quantityReceived, open: sum.open + line.quantityOpen }), {
    ordered: 0,
    received: 0,
    open: 0,
  });
}

/**
 * A refused request as the page shows it: the problem's detail, and each field it names, with a
 * receipt's `lines.N.…` named by the SKU of the line sent at N.
 */
export function problemText(error: unknown, sent: readonly { sku: string }[] = []): { message: string; fields: { path: string; label: string; message: string }[] } {
  if (!(error instanceof ApiError)) return { message: errorMessage(error), fields: [] };
  const fields = error.errors.map((field) => {
    const match = /^lines\.(\d+)\.?(.*)$/.exec(field.path);
    const sku = match ? sent[Number(match[1])]?.sku : undefined;
    return { path: field.path, label: sku ? `${sku}${match?.[2] ? ` ${match[2]}` : ''}` : field.path, message: field.message };
  });
  return { message: error.detail, fields };
}

/** An Idempotency-Key for one receipt or shipment attempt (crypto.randomUUID needs a secure context; this does not). */
export function attemptKey(action: 'receive' | 'ship'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${action}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
