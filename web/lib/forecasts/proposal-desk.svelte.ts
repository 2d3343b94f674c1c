import { api, ApiError, errorMessage } from '../api/client.ts';
import type { ApprovalResult, Location, Proposal, ProposalPage, Supplier } from '../api/types.ts';
import { byUrgency, changedQuantities, decisionError } from './proposal-view.ts';

/**
 * Open restock proposals: filters, a selection, quantities edited in place (saved one by one),
 * and approving or rejecting the selection. A decision someone else made first (409) is shown
 * and the list re-read, so what remains is what can still be decided.
 */
export class ProposalDesk {
  kind = $state<'' | 'purchase' | 'transfer'>('');
  sku = $state('');
  locationId = $state('');
  items = $state<Proposal[]>([]);
  nextCursor = $state<string | null>(null);
  suppliers = $state<Supplier[]>([]);
  locations = $state<Location[]>([]);
  selected = $state<string[]>([]);
  /** Quantities typed, by proposal id, until saved. */
  drafts = $state<Record<string, number>>({});
  /** A failed save of one row's quantity. */
  rowErrors = $state<Record<string, string>>({});
  saving = $state<Record<string, boolean>>({});
  loading = $state(true);
  error = $state<string | null>(null);
  busy = $state(false);
  actionError = $state<string | null>(null);
  approved = $state<ApprovalResult | null>(null);
  rejectedCount = $state<number | null>(null);

  async loadReferenceData(): Promise<void> {
    const [locations, suppliers] = await Promise.all([
      api<Location[]>('/api/locations').catch(() => [] as Location[]),
      api<{ items: Supplier[] }>('/api/suppliers', { query: { limit: 200 } }).catch(() => ({ items: [] as Supplier[] })),
    ]);
    this.locations = locations;
    this.suppliers = suppliers.items;
  }

  async load(more = false): Promise<void> {
    this.error = null;
    try {
      const page = await api<ProposalPage>('/api/replenishment/proposals', {
        query: { status: 'proposed', kind: this.kind, sku: this.sku.trim(), locationId: this.locationId, limit: 500, cursor: more ? this.nextCursor : undefined },
      });
      this.items = byUrgency(more ? [...this.items, ...page.items] : page.items);
      this.nextCursor = page.nextCursor;
      const open = new Set(this.items.map((item) => item.id));
      this.selected = this.selected.filter((id) => open.has(id));
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  toggle(id: string, on: boolean): void {
    this.selected = on ? [...new Set([...this.selected, id])] : this.selected.filter((selected) => selected !== id);
  }

  toggleAll(on: boolean): void {
    this.selected = on ? this.items.map((item) => item.id) : [];
  }

  /** Saves a row's quantity (PATCH); the row shows the error when the server refuses it. */
  async saveQuantity(id: string, quantity: number): Promise<void> {
    const proposal = this.items.find((item) => item.id === id);
    if (!proposal || quantity === proposal.quantity) {
      delete this.drafts[id];
      return;
    }
    this.drafts[id] = quantity;
    this.saving[id] = true;
    delete this.rowErrors[id];
    try {
      const saved = await api<Proposal>(`/api/replenishment/proposals/${id}`, { method: 'PATCH', body: { quantity } });
      this.items = this.items.map((item) => (item.id === id ? saved : item));
      delete this.drafts[id];
    } catch (error) {
      this.rowErrors[id] = errorMessage(error);
      if (error instanceof ApiError && error.status === 409) void this.load();
    } finally {
      delete this.saving[id];
    }
  }

  async approve(note: string): Promise<boolean> {
    const ids = [...this.selected];
    const quantities = changedQuantities(this.items, ids, this.drafts);
    return this.decide(ids, async () => {
      this.approved = await api<ApprovalResult>('/api/replenishment/proposals/approve', {
        method: 'POST',
        body: { ids, ...(quantities ? { quantities } : {}), ...(note.trim() ? { note: note.trim() } : {}) },
      });
    });
  }

  async reject(reason: string): Promise<boolean> {
    const ids = [...this.selected];
    return this.decide(ids, async () => {
      const { proposals } = await api<{ proposals: Proposal[] }>('/api/replenishment/proposals/reject', { method: 'POST', body: { ids, reason: reason.trim() } });
      this.rejectedCount = proposals.length;
    });
  }

  private async decide(ids: readonly string[], work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.actionError = null;
    this.approved = null;
    this.rejectedCount = null;
    try {
      await work();
      for (const id of this.selected) delete this.drafts[id];
      this.selected = [];
      await this.load();
      return true;
    } catch (error) {
      this.actionError = decisionError(error, ids, this.items);
      // Someone decided first, or a proposal was replaced by a newer run: show what is left.
      if (error instanceof ApiError && error.status === 409) await this.load();
      return false;
    } finally {
      this.busy = false;
    }
  }
}
