import { randomUUID } from 'node:crypto';
import { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, unique } from '#test/support/factories.ts';

const DAY_MS = 86_400_000;
const ok = (response: { status: number; body: any }, status: number): any => expectStatus(response, status).body;

/** The history backfill's client: a token with the roles the simulator is given (history:write dates requests). */
export async function historyClient(admin: ApiClient): Promise<ApiClient> {
  const { token } = ok(await admin.post('/api/tokens', { name: unique('e2e history'), roles: ['manager', 'simulator'] }), 201);
  return admin.with({ authorization: `Bearer ${token}` });
}

/** A supplier selling these SKUs at 4.00 a unit, one unit a case. */
export async function createSupplier(admin: ApiClient, skus: readonly string[], leadTimeDays = 7): Promise<{ id: string; code: string; name: string }> {
  const supplier = ok(await admin.post('/api/suppliers', { code: unique('SUP'), name: 'E2E Cotton Co', leadTimeDays }), 201);
  for (const sku of skus) expectStatus(await admin.put(`/api/suppliers/${supplier.id}/products/${encodeURIComponent(sku)}`, { unitCostCents: 400, preferred: true }), 200);
  return supplier;
}

/**
 * One order a day for `days` days, dated 15:00 UTC that day (x-tower-as-of), each with the
 * day's units of every SKU given; returns the units placed per SKU.
 */
export async function placeDailyOrders(history: ApiClient, days: number, unitsOn: (sku: string, daysAgo: number) => number, skus: readonly string[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = Object.fromEntries(skus.map((sku) => [sku, 0]));
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T15:00:00Z`);
  for (let ago = days; ago >= 1; ago--) {
    const lines = skus.map((sku) => ({ sku, quantity: unitsOn(sku, ago) })).filter((line) => line.quantity > 0);
    if (lines.length === 0) continue;
    const moment = new Date(today - ago * DAY_MS).toISOString();
    expectStatus(await history.post('/api/orders', orderBody(lines), { 'idempotency-key': randomUUID(), 'x-tower-as-of': moment }), 201);
    for (const line of lines) totals[line.sku]! += line.quantity;
  }
  return totals;
}

async function waitForRun(admin: ApiClient, runId: string, timeoutMs: number): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = ok(await admin.get(`/api/forecasts/runs/${runId}`), 200);
    if (run.status !== 'running') return run;
    if (Date.now() > until) throw new Error(`forecast run ${run.number} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Starts a run (waiting out one already running) and waits for it to end; returns the run. */
export async function runForecast(admin: ApiClient, timeoutMs = 90_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const started = await admin.post('/api/forecasts/runs');
    if (started.status === 202) {
      const run = await waitForRun(admin, started.body.id, until - Date.now());
      if (run.status !== 'succeeded') throw new Error(`forecast run ${run.number} failed: ${run.error}`);
      return run;
    }
    expectStatus(started, 409);
    const running = ok(await admin.get('/api/forecasts/runs?limit=1'), 200).items[0];
    if (running?.status === 'running') await waitForRun(admin, running.id, until - Date.now());
  }
}

/**
 * Runs forecasts until the run has read all of `units` of demand for `sku` at `locationId`
 * (the relay carries orders to ClickHouse a moment after they are placed).
 */
export async function runForecastWithDemand(admin: ApiClient, sku: string, locationId: string, units: number, timeoutMs = 120_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await runForecast(admin, until - Date.now());
    const series = ok(await admin.get(`/api/forecasts?sku=${encodeURIComponent(sku)}&locationId=${locationId}`), 200).items[0];
    const seen = series ? series.history.values.reduce((sum: number, value: number) => sum + value, 0) : 0;
    if (seen >= units) return run;
    if (Date.now() > until) throw new Error(`the forecast saw ${seen} of ${units} units of ${sku} demand`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** A repeatable pseudo-random sequence in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A location with two SKUs about to run out (LOW-A, LOW-B: 1–4 units a day, 4 left) and one
 * well stocked (PLENTY: 1 a day, 500 left), all sold from there for `days` days, and a supplier
 * for the two low ones.
 */
export async function seedDemand(admin: ApiClient, days = 56) {
  const location = await createLocation(admin, { name: unique('Forecast DC') });
  const low = [(await createProduct(admin)).sku, (await createProduct(admin)).sku] as const;
  const plenty = (await createProduct(admin, { category: 'home' })).sku;
  const random = seeded(42);
  // Units by days ago (index 0 unused), the same for both low SKUs.
  const daily = Array.from({ length: days + 1 }, () => 1 + Math.floor(random() * 4));
  const unitsOn = (sku: string, ago: number) => (sku === plenty ? 1 : daily[ago]!);
  const sold = daily.slice(1).reduce((a, b) => a + b, 0);
  for (const sku of low) await addStock(admin, sku, location.id, sold + 4);
  await addStock(admin, plenty, location.id, days + 500);
  const supplier = await createSupplier(admin, low);
  const history = await historyClient(admin);
  const placed = await placeDailyOrders(history, days, unitsOn, [...low, plenty]);
  return { location, low, plenty, supplier, placed };
}
