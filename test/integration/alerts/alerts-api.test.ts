import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeAlert } from '#server/alerts/acknowledge-alert.ts';
import { realtimeAlertPublisher } from '#server/alerts/alert-publisher.ts';
import { pipelineLag } from '#server/alerts/rules/pipeline-lag.ts';
import { RealtimeClients, next } from '#test/integration/realtime/realtime-client.ts';
import { signedInUser } from '#test/integration/fulfillment/fulfillment-fixture.ts';
import { createLocation, expectStatus } from '#test/support/factories.ts';
import type { ApiClient, ApiResponse } from '#test/support/api-client.ts';
import { finding, scriptedRule, startAlertHarness, type AlertHarness } from './alert-harness.ts';

/** The body of a response that must have this status. */
const ok = (response: ApiResponse, status: number): any => expectStatus(response, status).body;

/** The alerts API: listing and scopes, acknowledge/assign/resolve and their 409s, rules and thresholds, statistics. */
let h: AlertHarness;
let manager: { client: ApiClient; id: string };
let clients: RealtimeClients;
beforeAll(async () => {
  h = await startAlertHarness('alerts_api');
  manager = await signedInUser(h.server, ['manager']);
  clients = new RealtimeClients(h.server.url);
});
afterEach(() => clients.closeAll());
afterAll(() => h.close());

/** A new open alert of a rule of its own, about `subject`. */
async function openAlert(key: string, subject = 'network', locationId: string | null = null) {
  const { rule, state } = scriptedRule(key);
  const engine = h.engine({ rules: [rule] });
  state.found = [finding(subject, { locationId })];
  await h.round(engine);
  const items = (ok(await h.server.api.get(`/api/alerts?rule=${key}`), 200) as { items: any[] }).items;
  return { alert: items[0] as { id: string; openedAt: string }, engine, state };
}

describe('acknowledge and resolve', () => {
  it('open → acknowledged (assigned to the acknowledging user) → resolved, each step in the history', async () => {
    const { alert } = await openAlert('api_flow');
    h.clock.advance(60_000);
    const acknowledged = ok(await manager.client.post(`/api/alerts/${alert.id}/acknowledge`), 200);
    expect(acknowledged).toMatchObject({ state: 'acknowledged', assignee: manager.id, acknowledgedBy: manager.id, acknowledgedAt: h.clock.now().toISOString() });
    const other = await signedInUser(h.server, ['staff']);
    const reassigned = ok(await manager.client.post(`/api/alerts/${alert.id}/acknowledge`, { assignee: other.id }), 200);
    expect(reassigned).toMatchObject({ state: 'acknowledged', assignee: other.id, acknowledgedAt: acknowledged.acknowledgedAt });
    h.clock.advance(60_000);
    const resolved = ok(await other.client.post(`/api/alerts/${alert.id}/resolve`, { reason: 'restarted the label printer' }), 200);
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: other.id, resolveReason: 'restarted the label printer', resolvedAt: h.clock.now().toISOString() });
    const detail = ok(await h.server.api.get(`/api/alerts/${alert.id}`), 200);
    expect(detail.history.map((e: any) => [e.kind, e.actor])).toEqual([
      ['opened', 'engine'],
      ['acknowledged', manager.id],
      ['assigned', manager.id],
      ['resolved', other.id],
    ]);
    expect(detail.history[2].data).toMatchObject({ from: manager.id, to: other.id });
  });

  it('illegal transitions are 409 invalid_transition and change nothing', async () => {
    const { alert } = await openAlert('api_409');
    expectStatus(await manager.client.post(`/api/alerts/${alert.id}/acknowledge`), 200);
    const again = await manager.client.post(`/api/alerts/${alert.id}/acknowledge`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: 'invalid_transition', from: 'acknowledged', to: 'acknowledged' });
    expectStatus(await manager.client.post(`/api/alerts/${alert.id}/resolve`, { reason: 'done' }), 200);
    for (const [action, body] of [
      ['resolve', { reason: 'twice' }],
      ['acknowledge', {}],
    ] as const) {
      const refused = await manager.client.post(`/api/alerts/${alert.id}/${action}`, body);
      expect(refused.status, action).toBe(409);
      expect(refused.body).toMatchObject({ type: 'invalid_transition', from: 'resolved' });
    }
    const detail = ok(await h.server.api.get(`/api/alerts/${alert.id}`), 200);
    expect(detail).toMatchObject({ state: 'resolved', resolveReason: 'done' });
    expect(detail.history).toHaveLength(3);
  });

  it('refuses bad input naming the field, unknown alerts with 404, and people without alerts:act with 403', async () => {
    const { alert } = await openAlert('api_refusals');
    const noReason = await manager.client.post(`/api/alerts/${alert.id}/resolve`, { reason: ' ' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ path: 'reason' })]);
    const nobody = await manager.client.post(`/api/alerts/${alert.id}/acknowledge`, { assignee: '00000000-0000-4000-8000-000000000000' });
    expect(nobody.status).toBe(422);
    expect(nobody.body.errors).toEqual([{ path: 'assignee', message: 'no active user has this id' }]);
    expect((await manager.client.post('/api/alerts/00000000-0000-4000-8000-000000000000/acknowledge')).status).toBe(404);
    expect((await h.server.api.get('/api/alerts/not-a-uuid')).status).toBe(422);
    const planner = await h.server.tokenClient(['planner']);
    expect((await planner.get(`/api/alerts/${alert.id}`)).status).toBe(200);
    expect((await planner.post(`/api/alerts/${alert.id}/acknowledge`)).status).toBe(403);
    expect((ok(await h.server.api.get(`/api/alerts/${alert.id}`), 200) as { state: string }).state).toBe('open');
  });

  it('an acknowledgement reaches managers over socket.io', async () => {
    const { alert } = await openAlert('api_socket');
    const socket = await clients.connect({ extraHeaders: { cookie: manager.client.defaults['cookie']! } });
    const heard = next(socket, 'alert');
    const ctx = { db: h.server.db, clock: h.clock, publish: realtimeAlertPublisher(h.server.realtime), metrics: null };
    await acknowledgeAlert(ctx, null, alert.id, {});
    expect(await heard).toMatchObject({ id: alert.id, state: 'acknowledged' });
  });
});

describe('listing', () => {
  it('staff limited to locations see and act on their locations’ alerts only', async () => {
    const mine = await createLocation(h.server.api);
    const theirs = await createLocation(h.server.api);
    const { alert: ours } = await openAlert('api_scope_mine', `location:${mine.id}`, mine.id);
    const { alert: other } = await openAlert('api_scope_theirs', `location:${theirs.id}`, theirs.id);
    const { alert: network } = await openAlert('api_scope_network');
    const staff = await signedInUser(h.server, ['staff'], [mine.id]);
    const seen = (ok(await staff.client.get('/api/alerts?limit=500'), 200) as { items: { id: string }[] }).items.map((a) => a.id);
    expect(seen).toContain(ours.id);
    expect(seen).not.toContain(other.id);
    expect(seen).not.toContain(network.id);
    expect((await staff.client.get(`/api/alerts/${other.id}`)).status).toBe(404);
    expect((await staff.client.post(`/api/alerts/${other.id}/acknowledge`)).status).toBe(404);
    expect((await staff.client.post(`/api/alerts/${ours.id}/acknowledge`)).status).toBe(200);
    const all = (ok(await manager.client.get('/api/alerts?limit=500'), 200) as { items: { id: string }[] }).items.map((a) => a.id);
    expect(all).toEqual(expect.arrayContaining([ours.id, other.id, network.id]));
  });

  it('lists newest first in the contract shape, filters, and pages with a cursor', async () => {
    const location = await createLocation(h.server.api);
    const opened: string[] = [];
    for (let i = 0; i < 3; i++) opened.push((await openAlert(`api_page_${i}`, `location:${location.id}`, location.id)).alert.id);
    const first = ok(await h.server.api.get(`/api/alerts?locationId=${location.id}&state=open&limit=2`), 200);
    expect(first.items.map((a: any) => a.id)).toEqual([opened[2], opened[1]]);
    expect(Object.keys(first.items[0])).toEqual(expect.arrayContaining(['id', 'rule', 'severity', 'state', 'subject', 'openedAt', 'affected']));
    const second = ok(await h.server.api.get(`/api/alerts?locationId=${location.id}&state=open&limit=2&cursor=${first.nextCursor}`), 200);
    expect(second).toEqual({ items: [expect.objectContaining({ id: opened[0] })], nextCursor: null });
    expect(ok(await h.server.api.get(`/api/alerts?locationId=${location.id}&state=resolved`), 200).items).toEqual([]);
    expect(ok(await h.server.api.get(`/api/alerts?rule=api_page_1&severity=warning`), 200).items).toHaveLength(1);
    const bad = await h.server.api.get('/api/alerts?state=closed');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('state');
  });
});

describe('alert rules', () => {
  it('lists every rule with its thresholds; a manager edits them, validated per rule with errors naming thresholds.<field>', async () => {
    const rules = ok(await manager.client.get('/api/alert-rules'), 200).items as any[];
    expect(rules.map((r) => r.rule)).toEqual([
      'stuck_orders',
      'payment_declines',
      'pipeline_lag',
      'inventory_integrity',
      'backlog_growth',
      'carrier_delay',
      'stock_out_risk',
      'return_rate_spike',
      'promise_breach_risk',
    ]);
    expect(rules.find((r) => r.rule === 'stuck_orders')).toMatchObject({ enabled: true, severity: 'warning', thresholds: { pickHours: 4, clearRounds: 3 } });

    const changed = ok(await manager.client.patch('/api/alert-rules/stuck_orders', { thresholds: { pickHours: 6 }, severity: 'critical' }), 200);
    expect(changed).toMatchObject({ severity: 'critical', thresholds: { pickHours: 6, packHours: 2 }, updatedBy: manager.id });

    for (const [thresholds, path] of [
      [{ pickHours: -1 }, 'thresholds.pickHours'],
      [{ pickHours: 'soon' }, 'thresholds.pickHours'],
      [{ lunchHours: 1 }, 'thresholds.lunchHours'],
      [{ perLocation: { 'not-a-uuid': { pickHours: 1 } } }, 'thresholds.perLocation.not-a-uuid'],
    ] as const) {
      const refused = await manager.client.patch('/api/alert-rules/stuck_orders', { thresholds });
      expect(refused.status, path).toBe(422);
      expect(refused.body.errors.map((e: any) => e.path), path).toContain(path);
    }
    const crossed = await manager.client.patch('/api/alert-rules/payment_declines', { thresholds: { raiseZ: 2, clearZ: 2.5 } });
    expect(crossed.status).toBe(422);
    expect(crossed.body.errors).toEqual([{ path: 'thresholds.clearZ', message: 'must not be above raiseZ' }]);
    expect((await manager.client.patch('/api/alert-rules/no_such_rule', { enabled: false })).status).toBe(404);
    const staff = await signedInUser(h.server, ['staff']);
    expect((await staff.client.patch('/api/alert-rules/stuck_orders', { enabled: false })).status).toBe(403);
    expect(ok(await manager.client.get('/api/alert-rules'), 200).items[0]).toMatchObject({ severity: 'critical', thresholds: { pickHours: 6 } });
    expectStatus(await manager.client.patch('/api/alert-rules/stuck_orders', { thresholds: { pickHours: 4 }, severity: 'warning' }), 200);
  });

  it('a rule turned off resolves its live alerts at the next round and opens none', async () => {
    h.clock.advance(60 * 60_000);
    const engine = h.engine({ rules: [pipelineLag] });
    h.lag.ms = 120_000;
    await h.round(engine);
    expectStatus(await manager.client.patch('/api/alert-rules/pipeline_lag', { enabled: false }), 200);
    await h.round(engine);
    await h.round(engine);
    const items = ok(await h.server.api.get('/api/alerts?rule=pipeline_lag'), 200).items as any[];
    expect(items).toMatchObject([{ state: 'resolved', resolveReason: 'rule_disabled' }]);
    expectStatus(await manager.client.patch('/api/alert-rules/pipeline_lag', { enabled: true }), 200);
    h.lag.ms = null;
  });
});

describe('statistics', () => {
  it('answers p50/p90 time to acknowledge and to resolve per rule, and exports them as Prometheus histograms', async () => {
    h.clock.set(new Date('2026-07-01T00:00:00Z'));
    const openedAt = h.clock.now().getTime();
    // Sessions live by the pinned clock: sign in at its new moment.
    const manager = await signedInUser(h.server, ['manager']);
    const { rule, state } = scriptedRule('api_stats');
    state.found = ['a', 'b', 'c'].map((subject) => finding(subject));
    await h.engine({ rules: [rule] }).runRound({ force: true });
    const items = ok(await h.server.api.get('/api/alerts?rule=api_stats'), 200).items as { id: string; subject: string }[];
    const id = (subject: string) => items.find((a) => a.subject === subject)!.id;
    const at = (seconds: number) => h.clock.set(new Date(openedAt + seconds * 1000));
    // Acknowledged after 60, 120 and 600 s; resolved after 600, 1200 and 1800 s.
    at(60);
    expectStatus(await manager.client.post(`/api/alerts/${id('a')}/acknowledge`), 200);
    at(120);
    expectStatus(await manager.client.post(`/api/alerts/${id('b')}/acknowledge`), 200);
    at(600);
    expectStatus(await manager.client.post(`/api/alerts/${id('c')}/acknowledge`), 200);
    expectStatus(await manager.client.post(`/api/alerts/${id('a')}/resolve`, { reason: 'fixed' }), 200);
    at(1_200);
    expectStatus(await manager.client.post(`/api/alerts/${id('b')}/resolve`, { reason: 'fixed' }), 200);
    at(1_800);
    expectStatus(await manager.client.post(`/api/alerts/${id('c')}/resolve`, { reason: 'fixed' }), 200);

    const window = `from=${new Date(openedAt - 1_000).toISOString()}&to=${new Date(openedAt + 3_600_000).toISOString()}`;
    const stats = ok(await manager.client.get(`/api/alerts/stats?${window}`), 200);
    expect(stats.rules).toEqual([
      {
        rule: 'api_stats',
        opened: 3,
        open: 0,
        timeToAcknowledgeSeconds: { count: 3, p50: 120, p90: 504 },
        timeToResolveSeconds: { count: 3, p50: 1_200, p90: 1_680 },
      },
    ]);
    const bad = await manager.client.get(`/api/alerts/stats?from=${new Date(openedAt).toISOString()}&to=${new Date(openedAt - 1).toISOString()}`);
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('from');

    const metrics = (await h.server.api.get('/metrics')).body as string;
    expect(metrics).toContain('alert_time_to_acknowledge_seconds_count{rule="api_stats"} 3');
    expect(metrics).toContain('alert_time_to_resolve_seconds_count{rule="api_stats",by="user"} 3');
  });
});
