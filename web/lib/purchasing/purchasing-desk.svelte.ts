import { api, errorMessage } from '../api/client.ts';
import type { Location, Page, PurchaseOrder, PurchaseOrderStatus, Supplier, Transfer, TransferStatus } from '../api/types.ts';
import { problemText } from './purchasing-actions.ts';

export type Problem = ReturnType<typeof problemText>;

/**
 * The purchasing page's data: purchase orders and transfers under their filters, suppliers and
 * locations to name them, and each document's actions. A refused action is kept against its
 * document (with the fields the problem names) and the document re-read.
 */
export class PurchasingDesk {
  status = $state<PurchaseOrderStatus | ''>('');
  supplierId = $state('');
  locationId = $state('');
  transferStatus = $state<TransferStatus | ''>('');
  orders = $state<PurchaseOrder[]>([]);
  ordersCursor = $state<string | null>(null);
  transfers = $state<Transfer[]>([]);
  transfersCursor = $state<string | null>(null);
  suppliers = $state<Supplier[]>([]);
  locations = $state<Location[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  transfersError = $state<string | null>(null);
  /** A refused action, by document id. */
  problems = $state<Record<string, Problem>>({});
  /** Documents with an action in flight. */
  busy = $state<Record<string, boolean>>({});
  /** What the last action did, by document id ("Received 12 units"). */
  done = $state<Record<string, string>>({});
  /** A document named in the address (a link from an approval), shown first. */
  focus = $state<{ po?: string; transfer?: string }>({});

  async loadReferenceData(limitTo: readonly string[] | null): Promise<void> {
    const [locations, suppliers] = await Promise.all([
      api<Location[]>('/api/locations').catch(() => [] as Location[]),
      api<Page<Supplier>>('/api/suppliers', { query: { limit: 200 } }).catch(() => ({ items: [] as Supplier[], nextCursor: null })),
    ]);
    this.locations = limitTo ? locations.filter((location) => limitTo.includes(location.id)) : locations;
    this.suppliers = suppliers.items;
  }

  async load(): Promise<void> {
    await Promise.all([this.loadOrders(), this.loadTransfers()]);
  }

  async loadOrders(more = false): Promise<void> {
    this.error = null;
    try {
      const page = await api<Page<PurchaseOrder>>('/api/purchase-orders', {
        query: { status: this.status, supplierId: this.supplierId, locationId: this.locationId, limit: 50, cursor: more ? this.ordersCursor : undefined },
      });
      let items = more ? [...this.orders, ...page.items] : page.items;
      const named = this.focus.po;
      if (named && !more) {
        const focused = items.find((po) => po.number === named || po.id === named) ?? (await api<PurchaseOrder>(`/api/purchase-orders/${encodeURIComponent(named)}`).catch(() => null));
        if (focused) items = [focused, ...items.filter((po) => po.id !== focused.id)];
      }
      this.orders = items;
      this.ordersCursor = page.nextCursor;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  async loadTransfers(more = false): Promise<void> {
    this.transfersError = null;
    try {
      const page = await api<Page<Transfer>>('/api/transfers', {
        query: { status: this.transferStatus, locationId: this.locationId, limit: 50, cursor: more ? this.transfersCursor : undefined },
      });
      let items = more ? [...this.transfers, ...page.items] : page.items;
      const named = this.focus.transfer;
      if (named && !more) {
        const focused = items.find((t) => t.number === named || t.id === named) ?? (await api<Transfer>(`/api/transfers/${encodeURIComponent(named)}`).catch(() => null));
        if (focused) items = [focused, ...items.filter((t) => t.id !== focused.id)];
      }
      this.transfers = items;
      this.transfersCursor = page.nextCursor;
    } catch (error) {
      this.transfersError = errorMessage(error);
    }
  }

  submit(po: PurchaseOrder) {
    return this.orderAction(po, () => api<PurchaseOrder>(`/api/purchase-orders/${po.id}/submit`, { method: 'POST' }), 'Submitted to the supplier.');
  }

  cancel(po: PurchaseOrder, reason: string) {
    return this.orderAction(po, () => api<PurchaseOrder>(`/api/purchase-orders/${po.id}/cancel`, { method: 'POST', body: reason.trim() ? { reason: reason.trim() } : {} }), 'Cancelled.');
  }

  close(po: PurchaseOrder) {
    return this.orderAction(po, () => api<PurchaseOrder>(`/api/purchase-orders/${po.id}/close`, { method: 'POST', body: {} }), 'Closed.');
  }

  /** `key`: this receipt attempt's Idempotency-Key, so that a retry receives once. */
  receive(po: PurchaseOrder, lines: { sku: string; quantity: number }[], key: string) {
    const units = lines.reduce((sum, line) => sum + line.quantity, 0);
    return this.orderAction(
      po,
      () => api<PurchaseOrder>(`/api/purchase-orders/${po.id}/receive`, { method: 'POST', body: { lines }, headers: { 'idempotency-key': key } }),
      `Received ${units} units.`,
      lines,
    );
  }

  ship(transfer: Transfer, key: string) {
    return this.transferAction(transfer, () => api<Transfer>(`/api/transfers/${transfer.id}/ship`, { method: 'POST', body: {}, headers: { 'idempotency-key': key } }), 'Shipped.');
  }

  receiveTransfer(transfer: Transfer, lines: { sku: string; quantity: number }[], key: string) {
    const units = lines.reduce((sum, line) => sum + line.quantity, 0);
    return this.transferAction(
      transfer,
      () => api<Transfer>(`/api/transfers/${transfer.id}/receive`, { method: 'POST', body: { lines }, headers: { 'idempotency-key': key } }),
      `Received ${units} units.`,
      lines,
    );
  }

  cancelTransfer(transfer: Transfer) {
    return this.transferAction(transfer, () => api<Transfer>(`/api/transfers/${transfer.id}/cancel`, { method: 'POST', body: {} }), 'Cancelled.');
  }

  private orderAction(po: PurchaseOrder, work: () => Promise<PurchaseOrder>, message: string, sent: { sku: string }[] = []): Promise<boolean> {
    return this.act(
      po.id,
      async () => {
        const updated = await work();
        this.orders = this.orders.map((item) => (item.id === po.id ? stripExtras(updated) : item));
      },
      async () => {
        const fresh = await api<PurchaseOrder>(`/api/purchase-orders/${po.id}`).catch(() => null);
        if (fresh) this.orders = this.orders.map((item) => (item.id === po.id ? fresh : item));
      },
      message,
      sent,
    );
  }

  private transferAction(transfer: Transfer, work: () => Promise<Transfer>, message: string, sent: { sku: string }[] = []): Promise<boolean> {
    return this.act(
      transfer.id,
      async () => {
        const updated = await work();
        this.transfers = this.transfers.map((item) => (item.id === transfer.id ? stripExtras(updated) : item));
      },
      async () => {
        const fresh = await api<Transfer>(`/api/transfers/${transfer.id}`).catch(() => null);
        if (fresh) this.transfers = this.transfers.map((item) => (item.id === transfer.id ? fresh : item));
      },
      message,
      sent,
    );
  }

  private async act(id: string, work: () => Promise<void>, reread: () => Promise<void>, message: string, sent: { sku: string }[]): Promise<boolean> {
    this.busy[id] = true;
    delete this.problems[id];
    delete this.done[id];
    try {
      await work();
      this.done[id] = message;
      return true;
    } catch (error) {
      this.problems[id] = problemText(error, sent);
      await reread();
      return false;
    } finally {
      delete this.busy[id];
    }
  }
}

/** A receipt answers with `backordersAllocated` too; the list keeps the document's own shape. */
function stripExtras<T extends object>(document: T): T {
  const { backordersAllocated: _allocated, ...rest } = document as T & { backordersAllocated?: unknown };
  return rest as T;
}
