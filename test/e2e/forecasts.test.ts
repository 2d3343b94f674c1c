import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '#test/support/api-client.ts';
import { expectStatus } from '#test/support/factories.ts';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { runForecastWithDemand, seedDemand } from './support/forecast-seed.ts';
import { adminApi, createUser, towerUrl } from './support/users.ts';

/**
 * Forecasting from the planner's chair, on demand placed through the API with dated orders
 * (x-tower-as-of) over eight weeks at a location of its own: two SKUs about to run out, one
 * well stocked. One run reads it all; the page ranks, charts and proposes; a proposal approved
 * becomes a purchase order that a manager receives on /purchasing.
 */
let browser: Browser;
let admin: ApiClient;
let seed: Awaited<ReturnType<typeof seedDemand>>;
let runNumber: number;

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await adminApi();
  seed = await seedDemand(admin);
  runNumber = (await runForecastWithDemand(admin, seed.low[0], seed.location.id, seed.placed[seed.low[0]]!)).number;
}, 240_000);
afterAll(async () => {
  await browser?.close();
});

const ok = (response: { status: number; body: any }, status: number): any => expectStatus(response, status).body;

describe('forecasts page', () => {
  it('ranks the location’s series by stock-out risk and charts the one selected with its accuracy', async () => {
    const planner = await createUser(admin, 'planner');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), planner.email, planner.password);
    await page.getByRole('link', { name: 'Forecasts' }).click();
    await page.getByRole('region', { name: 'Forecast run' }).getByRole('heading', { name: new RegExp(`^Run (${runNumber}|\\d+)$`) }).waitFor();
    await page.getByRole('table', { name: 'Accuracy against seasonal naive' }).waitFor();

    await page.getByLabel('Location').selectOption(seed.location.id);
    const table = page.getByRole('table', { name: 'Series by stock-out risk' });
    // The location's three series only: no network rows once the filter applies.
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 10_000 }).toBe(3);
    const skus = await table.locator('tbody th[scope="row"]').allTextContents();
    expect(seed.low).toContain(skus[0]!.trim());
    expect(skus[2]!.trim()).toBe(seed.plenty);
    // The low SKUs run out within the horizon; the well-stocked one does not.
    const firstRow = table.locator('tbody tr').first();
    await expect(firstRow.locator('td').nth(3).textContent()).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await expect(table.locator('tbody tr').nth(2).locator('td').nth(3).textContent()).resolves.toBe('Not within horizon');

    // The first series is selected: its chart draws on a canvas, beside its accuracy.
    const detail = page.getByRole('region', { name: 'Series forecast' });
    await detail.getByRole('heading', { name: new RegExp(skus[0]!.trim()) }).waitFor();
    await detail.locator('canvas').first().waitFor();
    await detail.getByRole('table', { name: 'Chosen model against seasonal naive' }).waitFor();
    await detail.getByRole('list', { name: 'Candidate models' }).getByText('(chosen)').waitFor();
    // Choosing another series charts it instead.
    await table.getByRole('button', { name: seed.plenty }).click();
    await detail.getByRole('heading', { name: new RegExp(seed.plenty) }).waitFor();
    await screenshot(page, 'forecasts');

    // Run now: progress, then the page shows the new run.
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('region', { name: 'Forecast run' }).getByRole('heading', { name: `Run ${runNumber + 1}` }).waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Run now' }).waitFor();
    // The selected series now compares itself with its twin of the run before.
    await detail.getByText(new RegExp(`^\\s*Run ${runNumber} \\(history to \\d{4}-\\d{2}-\\d{2}\\):`)).waitFor({ timeout: 15_000 });
    runNumber += 1;
    await page.context().close();
  }, 150_000);

  it('approving a proposal raises a purchase order that a manager receives on /purchasing, raising on-hand', async () => {
    const [sku, other] = seed.low;
    const planner = await createUser(admin, 'planner');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), planner.email, planner.password);
    await page.goto(`${towerUrl()}/forecasts/proposals`);
    await page.getByLabel('For location').selectOption(seed.location.id);
    const table = page.getByRole('table', { name: 'Restock proposals' });
    await table.getByRole('rowheader', { name: sku }).waitFor();
    await table.getByRole('rowheader', { name: other }).waitFor();
    await expect(table.getByRole('rowheader', { name: seed.plenty }).count()).resolves.toBe(0);

    // Someone else approves `other` first: approving it here says so and refreshes the list.
    const open = ok(await admin.get(`/api/replenishment/proposals?status=proposed&locationId=${seed.location.id}`), 200).items as { id: string; sku: string; quantity: number }[];
    const mine = open.find((p) => p.sku === sku)!;
    const theirs = open.find((p) => p.sku === other)!;
    await page.getByRole('checkbox', { name: new RegExp(`^Select ${other} for`) }).check();
    ok(await admin.post('/api/replenishment/proposals/approve', { ids: [theirs.id] }), 200);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('alert').getByText(/Someone else decided first/).waitFor();
    // The refreshed list comes after the message: wait for the decided proposal to leave it.
    await table.getByRole('rowheader', { name: other }).waitFor({ state: 'detached' });

    // Edit the quantity in place (saved at once), then approve it with a note.
    const quantity = mine.quantity + 5;
    const input = page.getByRole('spinbutton', { name: new RegExp(`^Quantity of ${sku} for`) });
    await input.fill(String(quantity));
    await input.press('Tab');
    await expect.poll(async () => ok(await admin.get(`/api/replenishment/proposals/${mine.id}`), 200).quantity, { timeout: 10_000 }).toBe(quantity);
    await page.getByRole('checkbox', { name: new RegExp(`^Select ${sku} for`) }).check();
    await page.getByLabel('Note (optional)').fill('e2e weekly buy');
    await page.getByRole('button', { name: 'Approve' }).click();
    const result = page.getByRole('region', { name: 'Approval result' });
    const link = result.getByRole('link', { name: /^PO-/ });
    await link.waitFor();
    const poNumber = (await link.textContent())!.trim();
    await screenshot(page, 'forecast-proposals');
    await page.context().close();

    const po = ok(await admin.get(`/api/purchase-orders/${poNumber}`), 200);
    expect(po).toMatchObject({ status: 'submitted', locationId: seed.location.id, supplierId: seed.supplier.id });
    expect(po.lines).toEqual([expect.objectContaining({ sku, quantityOrdered: quantity })]);

    const before = ok(await admin.get(`/api/inventory?sku=${sku}&locationId=${seed.location.id}`), 200)[0].onHand as number;
    const manager = await createUser(admin, 'manager');
    const floor = await newPage(browser);
    await signInThroughForm(floor, towerUrl(), manager.email, manager.password);
    await floor.goto(`${towerUrl()}/purchasing?po=${encodeURIComponent(poNumber)}`);
    const card = floor.getByRole('article', { name: `Purchase order ${poNumber}` });
    const receive = card.getByRole('form', { name: `Receive ${poNumber}` });
    await expect(receive.getByRole('spinbutton', { name: `Units of ${sku} received` }).inputValue()).resolves.toBe(String(quantity));
    await receive.getByRole('button', { name: `Receive ${quantity} units` }).click();
    await card.getByText(`${poNumber}: Received ${quantity} units.`).waitFor();
    await card.locator('.badge').filter({ hasText: /^Received$/ }).waitFor();
    await screenshot(floor, 'purchasing-received');
    const after = ok(await admin.get(`/api/inventory?sku=${sku}&locationId=${seed.location.id}`), 200)[0].onHand as number;
    expect(after - before).toBe(quantity);
    await floor.context().close();
  }, 120_000);
});
