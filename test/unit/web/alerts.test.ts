import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../web/lib/api/types.ts';
import { alertQuery, DEFAULT_FILTERS, filtersFromSearch, matchesFilters, searchOfFilters, streamStates, type AlertFilters } from '../../../web/routes/alerts/alert-filters.ts';
import { affectedList, measuredTables, subjectLabel } from '../../../web/routes/alerts/alert-labels.ts';
import { compareAlerts, mergeAlertMessage, streamsToExtend, visibleAlerts, type AlertStream } from '../../../web/routes/alerts/alert-merge.ts';
import { formatSeconds, relativeTime } from '../../../web/routes/alerts/alert-time.ts';
import { heardOf, toastReason } from '../../../web/lib/alerts/toast-decision.ts';
import { formatters } from '../../../web/lib/format.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-06T04:00:00Z');

let serial = 0;
function alert(overrides: Partial<Alert> = {}): Alert {
  serial += 1;
  const at = new Date(T0 + serial * MINUTE).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    rule: 'stuck_orders',
    severity: 'warning',
    state: 'open',
    subject: 'location:l1',
    openedAt: at,
    affected: {},
    title: `alert ${serial}`,
    detail: '',
    locationId: 'l1',
    measured: {},
    lastSeenAt: at,
    seenCount: 1,
    acknowledgedAt: null,
    acknowledgedBy: null,
    assignee: null,
    resolvedAt: null,
    resolvedBy: null,
    resolveReason: null,
    ...overrides,
  };
}
const ids = (alerts: readonly Alert[]) => alerts.map((a) => a.title);
const live: AlertFilters = { ...DEFAULT_FILTERS };

describe('alert filters → query', () => {
  it('the default view reads open and acknowledged as two streams; one state or any state as one', () => {
    expect(streamStates('live')).toEqual(['open,acknowledged']);
    expect(streamStates('resolved')).toEqual(['resolved']);
    expect(streamStates('all')).toEqual([undefined]);
  });

  it('a stream page asks only for the filters set, with its state and cursor', () => {
    expect(alertQuery({ state: 'live', severity: 'critical', rule: '', locationId: 'l2' }, 'open', 'c1')).toEqual({
      state: 'open',
      severity: 'critical',
      rule: undefined,
      locationId: 'l2',
      cursor: 'c1',
      limit: 25,
    });
  });

  it('the address keeps the filters that differ from the defaults and reads them back, dropping unknown values', () => {
    const filters: AlertFilters = { state: 'resolved', severity: 'warning', rule: 'stuck_orders', locationId: '' };
    const search = searchOfFilters(filters);
    expect(search).toBe('?state=resolved&severity=warning&rule=stuck_orders');
    expect(filtersFromSearch(new URLSearchParams(search))).toEqual(filters);
    expect(filtersFromSearch(new URLSearchParams('state=bogus&severity=loud'))).toEqual(DEFAULT_FILTERS);
    expect(searchOfFilters(DEFAULT_FILTERS)).toBe('');
  });

  it('an alert matches a view by state, severity, rule and location', () => {
    expect(matchesFilters(alert({ state: 'acknowledged' }), live)).toBe(true);
    expect(matchesFilters(alert({ state: 'resolved' }), live)).toBe(false);
    expect(matchesFilters(alert({ state: 'resolved' }), { ...live, state: 'all' })).toBe(true);
    expect(matchesFilters(alert({ severity: 'info' }), { ...live, severity: 'critical' })).toBe(false);
    expect(matchesFilters(alert({ locationId: null }), { ...live, locationId: 'l1' })).toBe(false);
  });
});

describe('two streams merged newest first', () => {
  it('shows everything once every stream is read to its end', () => {
    const [a, b, c] = [alert(), alert({ state: 'acknowledged' }), alert()];
    const streams: AlertStream[] = [
      { state: 'open', items: [c, a], cursor: null },
      { state: 'acknowledged', items: [b], cursor: null },
    ];
    expect(ids(visibleAlerts(streams))).toEqual(ids([c, b, a]));
  });

  it('stops at the oldest item fetched of a stream with more pages, and asks that stream for its next page', () => {
    const older = alert({ state: 'acknowledged' });
    const o1 = alert();
    const o2 = alert();
    const a1 = alert({ state: 'acknowledged' });
    const streams: AlertStream[] = [
      { state: 'open', items: [o2, o1], cursor: 'more-open' },
      { state: 'acknowledged', items: [a1, older], cursor: null },
    ];
    // The next open page may hold alerts newer than `older`: it waits.
    expect(ids(visibleAlerts(streams))).toEqual(ids([a1, o2, o1]));
    expect(streamsToExtend(streams).map((s) => s.state)).toEqual(['open']);
  });

  it('orders ties on the opening moment by id, as the API does', () => {
    const at = new Date(T0).toISOString();
    const x = alert({ id: '00000000-0000-4000-8000-00000000000a', openedAt: at });
    const y = alert({ id: '00000000-0000-4000-8000-00000000000b', openedAt: at });
    expect(compareAlerts(y, x)).toBeLessThan(0);
  });
});

describe('a live alert message merged into the inbox', () => {
  it('a new alert goes on top of its state’s stream', () => {
    const old = alert();
    const fresh = alert();
    const streams = mergeAlertMessage([{ state: 'open', items: [old], cursor: null }, { state: 'acknowledged', items: [], cursor: null }], fresh, live);
    expect(ids(visibleAlerts(streams))).toEqual(ids([fresh, old]));
  });

  it('a changed alert is updated in place; acknowledging moves it to the other stream, still shown', () => {
    const a = alert();
    const b = alert();
    let streams: AlertStream[] = [{ state: 'open', items: [b, a], cursor: null }, { state: 'acknowledged', items: [], cursor: null }];
    streams = mergeAlertMessage(streams, { ...a, seenCount: 7 }, live);
    expect(visibleAlerts(streams).map((x) => x.seenCount)).toEqual([1, 7]);
    streams = mergeAlertMessage(streams, { ...a, state: 'acknowledged', assignee: 'u1' }, live);
    expect(streams[0]!.items.map((x) => x.id)).toEqual([b.id]);
    expect(ids(visibleAlerts(streams))).toEqual(ids([b, a]));
  });

  it('a resolved alert leaves the open view, and joins the resolved one', () => {
    const a = alert();
    const gone = mergeAlertMessage([{ state: 'open', items: [a], cursor: null }], { ...a, state: 'resolved' }, live);
    expect(visibleAlerts(gone)).toEqual([]);
    const joined = mergeAlertMessage([{ state: 'resolved', items: [], cursor: null }], { ...a, state: 'resolved' }, { ...live, state: 'resolved' });
    expect(ids(visibleAlerts(joined))).toEqual(ids([a]));
  });

  it('an alert older than what a stream has fetched is left to its later pages; one of another location is left out', () => {
    const reopened = alert();
    const newer = [alert(), alert()].reverse();
    const streams = mergeAlertMessage([{ state: 'open', items: newer, cursor: 'more' }], reopened, live);
    expect(streams[0]!.items).toHaveLength(2);
    const elsewhere = mergeAlertMessage([{ state: 'open', items: [], cursor: null }], alert({ locationId: 'l9' }), { ...live, locationId: 'l1' });
    expect(elsewhere[0]!.items).toEqual([]);
  });

  it('the same message twice (staff hear their location’s alerts in two rooms) lists the alert once', () => {
    const a = alert();
    const once = mergeAlertMessage([{ state: 'open', items: [], cursor: null }], a, live);
    expect(mergeAlertMessage(once, a, live)[0]!.items).toHaveLength(1);
  });
});

describe('toasts', () => {
  it('an alert that just opened, came back or escalated gets one; a resolution or a list change does not', () => {
    expect(toastReason({ state: 'open', severity: 'warning', seenCount: 1 }, undefined)).toBe('opened');
    expect(toastReason({ state: 'open', severity: 'warning', seenCount: 5 }, undefined)).toBeNull();
    expect(toastReason({ state: 'resolved', severity: 'critical', seenCount: 1 }, undefined)).toBeNull();
    const heard = heardOf({ state: 'open', severity: 'warning' });
    expect(toastReason({ state: 'open', severity: 'warning', seenCount: 2 }, heard)).toBeNull();
    expect(toastReason({ state: 'open', severity: 'critical', seenCount: 3 }, heard)).toBe('escalated');
    expect(toastReason({ state: 'acknowledged', severity: 'warning' }, heardOf({ state: 'resolved', severity: 'warning' }))).toBe('reopened');
  });

  it("follows the message's own change when it says one, whatever this tab heard before", () => {
    expect(toastReason({ state: 'acknowledged', severity: 'warning', change: 'reopened' }, undefined)).toBe('reopened');
    expect(toastReason({ state: 'open', severity: 'critical', seenCount: 9, change: 'escalated' }, undefined)).toBe('escalated');
    expect(toastReason({ state: 'open', severity: 'critical', seenCount: 1, change: 'action' }, undefined)).toBeNull();
    expect(toastReason({ state: 'acknowledged', severity: 'critical', change: 'acknowledged' }, heardOf({ state: 'resolved', severity: 'warning' }))).toBeNull();
    expect(toastReason({ state: 'resolved', severity: 'critical', change: 'resolved' }, undefined)).toBeNull();
  });
});

describe('times and labels', () => {
  const now = Date.parse('2026-12-06T05:00:00Z');
  it('relative times read as a person says them, a moment ahead of this clock included', () => {
    expect(relativeTime('2026-12-06T04:59:50Z', now, 'en-US')).toBe('now');
    expect(relativeTime('2026-12-06T05:00:03Z', now, 'en-US')).toBe('now');
    expect(relativeTime('2026-12-06T04:57:00Z', now, 'en-US')).toBe('3 min. ago');
    expect(relativeTime('2026-12-06T02:00:00Z', now, 'en-US')).toBe('3 hr. ago');
    expect(relativeTime('2026-12-04T05:00:00Z', now, 'en-US')).toBe('2 days ago');
    expect(relativeTime(null, now, 'en-US')).toBe('—');
  });

  it('spans of seconds in the tower’s units', () => {
    const f = formatters('en-US');
    expect(formatSeconds(12.5, f)).toBe('12.5 s');
    expect(formatSeconds(480, f)).toBe('8 min');
    expect(formatSeconds(3 * 3600, f)).toBe('3 h');
    expect(formatSeconds(null, f)).toBe('—');
  });

  it('subjects name their location, SKU, carrier or the network', () => {
    const locations = [{ id: 'l1', code: 'DC1', name: 'Leeds' }];
    expect(subjectLabel({ subject: 'location:l1', locationId: 'l1' }, locations)).toBe('DC1 · Leeds');
    expect(subjectLabel({ subject: 'sku:TEE-1@l1', locationId: 'l1' }, locations)).toBe('TEE-1 at DC1 · Leeds');
    expect(subjectLabel({ subject: 'network', locationId: null }, locations)).toBe('Whole network');
    expect(subjectLabel({ subject: 'carrier:ups', locationId: null }, locations)).toBe('Carrier ups');
  });

  it('affected lists and measured values are laid out whatever the rule', () => {
    expect(affectedList({ orders: ['a', 3, 'b'], ordersTotal: 3 }, 'orders')).toEqual(['a', 'b']);
    expect(affectedList({}, 'skus')).toEqual([]);
    const tables = measuredTables({ lagMs: 1200, stages: { pick: { orders: 2, slaMinutes: 1 }, ship: { orders: 1, oldestMinutes: 9 } } }, String);
    expect(tables).toEqual([
      { title: '', table: { columns: ['value'], rows: [{ key: 'lagMs', cells: ['1200'] }] } },
      {
        title: 'stages',
        table: {
          columns: ['orders', 'slaMinutes', 'oldestMinutes'],
          rows: [
            { key: 'pick', cells: ['2', '1', ''] },
            { key: 'ship', cells: ['1', '', '9'] },
          ],
        },
      },
    ]);
  });
});
