import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pipelineLag } from '#server/alerts/rules/pipeline-lag.ts';
import { RealtimeClients, collect, next } from '#test/integration/realtime/realtime-client.ts';
import { signedInUser } from '#test/integration/fulfillment/fulfillment-fixture.ts';
import { createLocation, expectStatus } from '#test/support/factories.ts';
import { finding, scriptedRule, startAlertHarness, type AlertHarness } from './alert-harness.ts';

/**
 * The engine's lifecycle with rules under the test's control: pipeline_lag (its lag is the
 * harness's) and a scripted rule whose findings each test sets. One live alert per rule and
 * subject, hysteresis, auto-resolve, reopening, escalation, failures and socket.io delivery.
 */
let h: AlertHarness;
let clients: RealtimeClients;
beforeAll(async () => {
  h = await startAlertHarness('alerts_lifecycle');
  clients = new RealtimeClients(h.server.url);
});
afterEach(() => clients.closeAll());
afterAll(() => h.close());

async function alertsOf(rule: string) {
  return (expectStatus(await h.server.api.get(`/api/alerts?rule=${rule}`), 200).body as { items: any[] }).items;
}

async function detailOf(id: string) {
  return expectStatus(await h.server.api.get(`/api/alerts/${id}`), 200).body as any;
}

const tokenOf = (client: { defaults: Record<string, string> }) => client.defaults['authorization']!.replace('Bearer ', '');

describe('alert lifecycle', () => {
  it('opens one alert per rule and subject, and counts each round that sees it again (dedup, last seen)', async () => {
    const { rule, state } = scriptedRule('scripted_dedup');
    const engine = h.engine({ rules: [rule] });
    state.found = [finding('network')];
    await h.round(engine);
    const opened = h.clock.now().toISOString();
    await h.round(engine);
    await h.round(engine);
    const items = await alertsOf(rule.key);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ rule: rule.key, subject: 'network', state: 'open', severity: 'warning', openedAt: opened, seenCount: 3, lastSeenAt: h.clock.now().toISOString() });
    expect((await detailOf(items[0].id)).history.map((e: any) => e.kind)).toEqual(['opened']);
  });

  it('resolves an alert by itself after clearRounds rounds without the condition, not before', async () => {
    const { rule, state } = scriptedRule('scripted_clear');
    const engine = h.engine({ rules: [rule] });
    state.found = [finding('network')];
    await h.round(engine);
    state.found = [];
    await h.round(engine);
    await h.round(engine);
    expect((await alertsOf(rule.key))[0]).toMatchObject({ state: 'open' });
    await h.round(engine);
    const [alert] = await alertsOf(rule.key);
    expect(alert).toMatchObject({ state: 'resolved', resolveReason: 'auto', resolvedBy: 'engine', resolvedAt: h.clock.now().toISOString() });
    expect((await detailOf(alert.id)).history.map((e: any) => e.kind)).toEqual(['opened', 'resolved']);
  });

  it('a condition that comes back for one round restarts the clear count', async () => {
    const { rule, state } = scriptedRule('scripted_streak');
    const engine = h.engine({ rules: [rule] });
    for (const seen of [true, false, false, true, false, false]) {
      state.found = seen ? [finding('network')] : [];
      await h.round(engine);
    }
    expect(await alertsOf(rule.key)).toMatchObject([{ state: 'open', seenCount: 2 }]);
  });

  it('escalates severity while live (never lowers it) and records the escalation', async () => {
    const { rule, state } = scriptedRule('scripted_escalate');
    const engine = h.engine({ rules: [rule] });
    state.found = [finding('network')];
    await h.round(engine);
    state.found = [finding('network', { severity: 'critical' })];
    await h.round(engine);
    state.found = [finding('network')];
    await h.round(engine);
    const [alert] = await alertsOf(rule.key);
    expect(alert.severity).toBe('critical');
    const history = (await detailOf(alert.id)).history;
    expect(history.map((e: any) => [e.kind, e.data.to ?? null])).toEqual([
      ['opened', null],
      ['escalated', 'critical'],
    ]);
  });

  it('reopens the same alert when the condition returns soon after it resolved', async () => {
    const { rule, state } = scriptedRule('scripted_reopen');
    const engine = h.engine({ rules: [rule] });
    state.found = [finding('network')];
    await h.round(engine);
    state.found = [];
    for (let i = 0; i < 3; i++) await h.round(engine);
    state.found = [finding('network')];
    await h.round(engine);
    const items = await alertsOf(rule.key);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ state: 'open', resolvedAt: null, resolveReason: null });
    expect((await detailOf(items[0].id)).history.map((e: any) => e.kind)).toEqual(['opened', 'resolved', 'reopened']);

    // Long after it resolved, the condition is a new alert.
    state.found = [];
    for (let i = 0; i < 3; i++) await h.round(engine);
    h.clock.advance(60 * 60_000);
    state.found = [finding('network')];
    await h.round(engine);
    expect((await alertsOf(rule.key)).map((a) => a.state)).toEqual(['open', 'resolved']);
  });

  it('a person who resolves an alert while a round measures has the last word: the round’s stale finding neither reopens it nor opens a twin', async () => {
    const { rule, state } = scriptedRule('scripted_overtaken');
    const engine = h.engine({ rules: [rule] });
    state.found = [finding('network')];
    await h.round(engine);
    const [alert] = await alertsOf(rule.key);
    state.meanwhile = async () => {
      state.meanwhile = null;
      h.clock.advance(1_000);
      expectStatus(await h.server.api.post(`/api/alerts/${alert.id}/resolve`, { reason: 'Put right by hand' }), 200);
    };
    await h.round(engine);
    expect(await alertsOf(rule.key)).toMatchObject([{ id: alert.id, state: 'resolved', resolveReason: 'Put right by hand' }]);
    // Measured after the resolve, the condition still holding reopens the same alert.
    await h.round(engine);
    expect(await alertsOf(rule.key)).toMatchObject([{ id: alert.id, state: 'open' }]);
    expect((await detailOf(alert.id)).history.map((e: any) => e.kind)).toEqual(['opened', 'resolved', 'reopened']);
  });

  it('a rule that throws is skipped and recorded, the other rules still run, and its live alerts stay as they are', async () => {
    const broken = scriptedRule('scripted_broken');
    const healthy = scriptedRule('scripted_healthy');
    const engine = h.engine({ rules: [broken.rule, healthy.rule] });
    broken.state.found = [finding('network')];
    await h.round(engine);
    broken.state.broken = true;
    healthy.state.found = [finding('network')];
    for (let i = 0; i < 4; i++) {
      const outcomes = await h.round(engine);
      expect(outcomes[0]).toMatchObject({ rule: broken.rule.key, status: 'failed', error: 'the rule broke' });
      expect(outcomes[1]).toMatchObject({ rule: healthy.rule.key, status: 'evaluated' });
    }
    expect(await alertsOf(broken.rule.key)).toMatchObject([{ state: 'open', seenCount: 1 }]);
    expect(await alertsOf(healthy.rule.key)).toMatchObject([{ state: 'open', seenCount: 4 }]);
  });

  it('evaluates a rule once per interval whatever the number of instances (advisory lock + last round)', async () => {
    const { rule, state } = scriptedRule('scripted_instances');
    const engines = [h.engine({ rules: [rule] }), h.engine({ rules: [rule] }), h.engine({ rules: [rule] })];
    state.found = [finding('network')];
    h.clock.advance(5_000);
    const outcomes = (await Promise.all(engines.map((e) => e.runRound()))).flat();
    expect(outcomes.filter((o) => o.status === 'evaluated')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'skipped').map((o) => (o as { reason: string }).reason).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/locked|not_due/)]));
    expect(state.calls).toBe(1);
    expect(await alertsOf(rule.key)).toMatchObject([{ seenCount: 1 }]);
  });
});

describe('pipeline_lag', () => {
  // Each test starts long after the last one's alert resolved: no reopening across tests.
  const engine = () => {
    h.clock.advance(60 * 60_000);
    return h.engine({ rules: [pipelineLag] });
  };

  it('opens when the relay lags beyond raiseSeconds and resolves once under clearSeconds for clearRounds rounds', async () => {
    const e = engine();
    h.lag.ms = 75_000;
    await h.round(e);
    expect(await alertsOf('pipeline_lag')).toMatchObject([{ subject: 'network', state: 'open', severity: 'warning', measured: { lagMs: 75_000 } }]);
    h.lag.ms = 700_000;
    await h.round(e);
    expect((await alertsOf('pipeline_lag'))[0]).toMatchObject({ severity: 'critical' });
    h.lag.ms = 2_000;
    for (let i = 0; i < 3; i++) await h.round(e);
    expect(await alertsOf('pipeline_lag')).toMatchObject([{ state: 'resolved', resolveReason: 'auto' }]);
  });

  it('does not flap on a lag hovering at the raise threshold: one alert, open the whole time', async () => {
    const e = engine();
    const changes = collect(await clients.connect({ auth: { token: tokenOf(h.server.api) } }), 'alert');
    for (const seconds of [61, 59, 62, 58, 60, 57, 61, 59, 58, 61]) {
      h.lag.ms = seconds * 1000;
      await h.round(e);
    }
    const live = (await alertsOf('pipeline_lag')).filter((a) => a.state !== 'resolved');
    expect(live).toHaveLength(1);
    expect(live[0].seenCount).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes.filter((a) => a.rule === 'pipeline_lag').map((a) => a.state)).toEqual(['open']);
    h.lag.ms = 0;
    for (let i = 0; i < 3; i++) await h.round(e);
  });

  it('stays silent at a normal lag, and measures nothing (changes nothing) in a process without a relay', async () => {
    const e = engine();
    h.lag.ms = 800;
    for (let i = 0; i < 3; i++) await h.round(e);
    expect((await alertsOf('pipeline_lag')).filter((a) => a.state !== 'resolved')).toEqual([]);
    h.lag.ms = 90_000;
    await h.round(e);
    h.lag.ms = null;
    const outcomes = await h.round(e);
    expect(outcomes).toEqual([{ rule: 'pipeline_lag', status: 'skipped', reason: 'unmeasured' }]);
    for (let i = 0; i < 4; i++) await h.round(e);
    expect((await alertsOf('pipeline_lag')).filter((a) => a.state !== 'resolved')).toMatchObject([{ seenCount: 1 }]);
    h.lag.ms = 0;
    for (let i = 0; i < 3; i++) await h.round(e);
  });
});

describe('delivery over socket.io', () => {
  it('a manager receives every change as `alert` in the contract shape; a service token without alerts:read receives none', async () => {
    const { rule, state } = scriptedRule('scripted_socket');
    const engine = h.engine({ rules: [rule] });
    const manager = await signedInUser(h.server, ['manager']);
    const managerSocket = await clients.connect({ extraHeaders: { cookie: manager.client.defaults['cookie']! } });
    const serviceSocket = await clients.connect({ auth: { token: tokenOf(await h.server.tokenClient(['service'])) } });
    const serviceSaw = collect(serviceSocket, 'alert');

    state.found = [finding('network', { affected: { orders: ['a', 'b'] } })];
    const opened = next(managerSocket, 'alert');
    await h.round(engine);
    expect(await opened).toMatchObject({ id: expect.any(String), rule: rule.key, severity: 'warning', state: 'open', subject: 'network', openedAt: expect.any(String), affected: { orders: ['a', 'b'] } });

    state.found = [];
    const resolved = next(managerSocket, 'alert');
    for (let i = 0; i < 3; i++) await h.round(engine);
    expect(await resolved).toMatchObject({ rule: rule.key, state: 'resolved', resolveReason: 'auto' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(serviceSaw).toEqual([]);
  });

  it('staff limited to a location hear of its alerts in its room, and of no other location’s', async () => {
    const { rule, state } = scriptedRule('scripted_location');
    const engine = h.engine({ rules: [rule] });
    const location = await createLocation(h.server.api);
    const elsewhere = await createLocation(h.server.api);
    const staff = await signedInUser(h.server, ['staff'], [location.id]);
    const socket = await clients.connect({ extraHeaders: { cookie: staff.client.defaults['cookie']! } });
    const seen = collect(socket, 'alert');
    state.found = [finding(`location:${location.id}`, { locationId: location.id }), finding(`location:${elsewhere.id}`, { locationId: elsewhere.id }), finding('network')];
    await h.round(engine);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Through the location's room only: not in room `alerts`, which carries every location's.
    expect(seen.map((a) => a.subject)).toEqual([`location:${location.id}`]);
  });
});
