import { api, ApiError, errorMessage } from '../../lib/api/client.ts';
import type { Alert, AlertActionKind, AlertActionResult, AlertDetail, Location, Order, SignedInUser } from '../../lib/api/types.ts';
import { affectedList } from './alert-labels.ts';
import { remedyBody, type RemedyParams } from './alert-remedies.ts';

/** Affected orders looked up this many at a time (an alert lists at most 50). */
const LOOKUPS_AT_ONCE = 4;

export type OrderSummary = Pick<Order, 'id' | 'number' | 'status'>;

/**
 * One alert's page: the alert with its history, the orders it lists (their numbers and status,
 * looked up), and the actions. A refused action (409 when someone acted first) is kept as
 * `problem` and the alert read again.
 */
export class AlertCase {
  alert = $state<AlertDetail | null>(null);
  loading = $state(true);
  error = $state<string | null>(null);
  orders = $state<Record<string, OrderSummary | null>>({});
  locations = $state<Location[]>([]);
  /** User ids to names: who is signed in, those named in the history, and (admins) everyone. */
  people = $state<Record<string, string>>({});
  busy = $state<'acknowledge' | 'resolve' | 'remedy' | null>(null);
  /** The last remedy applied from this page: what was done and refused, per order or SKU. */
  remedy = $state<AlertActionResult | null>(null);
  problem = $state<string | null>(null);
  done = $state<string | null>(null);
  private ordersLooked = new Set<string>();

  constructor(readonly id: string) {}

  async load(): Promise<void> {
    try {
      const alert = await api<AlertDetail>(`/api/alerts/${encodeURIComponent(this.id)}`);
      this.alert = alert;
      this.error = null;
      this.learnPeople(alert);
      void this.lookUpOrders(affectedList(alert.affected, 'orders'));
    } catch (error) {
      this.error = error instanceof ApiError && error.status === 404 ? 'No such alert, or not one of your locations’.' : errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  async loadReferenceData(user: SignedInUser | null, mayListUsers: boolean): Promise<void> {
    if (user) this.people = { ...this.people, [user.id]: `${user.name} (you)` };
    const [locations, users] = await Promise.all([
      api<Location[]>('/api/locations').catch(() => [] as Location[]),
      mayListUsers ? api<{ id: string; name: string; active: boolean }[]>('/api/users').catch(() => []) : [],
    ]);
    this.locations = locations;
    const named = Object.fromEntries(users.filter((u) => u.active).map((u) => [u.id, u.name]));
    this.people = { ...named, ...this.people };
  }

  /** An `alert` message about this alert: read it again (history included). */
  onAlert(message: Alert): void {
    if (message.id === this.id && !this.busy) void this.load();
  }

  /** Acknowledge (assigning to `assignee`, the user by default), or reassign. */
  acknowledge(assignee: string | null): Promise<boolean> {
    const body = assignee ? { assignee } : {};
    return this.act('acknowledge', () => api<Alert>(`/api/alerts/${this.id}/acknowledge`, { method: 'POST', body }), assignee ? 'Assigned.' : 'Acknowledged.');
  }

  resolve(reason: string): Promise<boolean> {
    return this.act('resolve', () => api<Alert>(`/api/alerts/${this.id}/resolve`, { method: 'POST', body: { reason: reason.trim() } }), 'Resolved.');
  }

  /** Applies a remedy to the chosen orders or SKUs; the outcome per subject stays in `remedy`. */
  async applyRemedy(action: AlertActionKind, subjects: readonly string[], params: RemedyParams): Promise<boolean> {
    this.busy = 'remedy';
    this.problem = null;
    this.done = null;
    this.remedy = null;
    try {
      this.remedy = await api<AlertActionResult>(`/api/alerts/${this.id}/actions`, { method: 'POST', body: remedyBody(action, subjects, params) });
      this.done = this.remedy.summary;
      return true;
    } catch (error) {
      this.problem = errorMessage(error);
      return false;
    } finally {
      this.busy = null;
      this.ordersLooked.clear();
      await this.load();
    }
  }

  /** An order's number: from the alert (`affected.orderNumbers`), else as looked up. */
  orderNumber(id: string): string | null {
    const numbers = this.alert?.affected['orderNumbers'] as Record<string, string> | undefined;
    return numbers?.[id] ?? this.orders[id]?.number ?? null;
  }

  personName(id: string | null): string {
    if (!id) return '—';
    if (id === 'engine') return 'Tower (automatic)';
    if (id === this.alert?.assignee && this.alert.assigneeName && !this.people[id]) return this.alert.assigneeName;
    return this.people[id] ?? `user ${id.slice(0, 8)}`;
  }

  private async act(kind: 'acknowledge' | 'resolve', work: () => Promise<Alert>, message: string): Promise<boolean> {
    this.busy = kind;
    this.problem = null;
    this.done = null;
    try {
      await work();
      this.done = message;
      return true;
    } catch (error) {
      this.problem =
        error instanceof ApiError && error.type === 'invalid_transition'
          ? `Someone else changed this alert first (${error.detail}). It is shown as it is now.`
          : errorMessage(error);
      return false;
    } finally {
      this.busy = null;
      // What a person did may follow from the orders' own changes: look them up again too.
      this.ordersLooked.clear();
      await this.load();
    }
  }

  private learnPeople(alert: AlertDetail): void {
    const named: Record<string, string> = {};
    for (const entry of alert.history) {
      const by = entry.data['by'];
      if (typeof by === 'string' && entry.actor !== 'engine' && !this.people[entry.actor]) named[entry.actor] = by;
    }
    if (Object.keys(named).length > 0) this.people = { ...this.people, ...named };
  }

  private async lookUpOrders(ids: readonly string[]): Promise<void> {
    const queue = ids.filter((id) => !this.ordersLooked.has(id));
    for (const id of queue) this.ordersLooked.add(id);
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const order = await api<Order>(`/api/orders/${id}`).catch(() => null);
        this.orders[id] = order ? { id: order.id, number: order.number, status: order.status } : null;
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUPS_AT_ONCE, queue.length) }, worker));
  }
}
