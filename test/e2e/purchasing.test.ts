import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, unique } from '#test/support/factories.ts';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { createSupplier } from './support/forecast-seed.ts';
import { adminApi, createUser, PASSWORD, towerUrl } from './support/users.ts';

let browser: Browser;
let admin: ApiClient;
beforeAll(async () => {
  browser = await launchBrowser();
  admin = await adminApi();
});
afterAll(async () => {
  await browser?.close();
});

const ok = (response: { status: number; body: any }, status: number): any => expectStatus(response, status).body;

async function purchaseOrder(supplierId: string, locationId: string, sku: string, quantity: number, submit: boolean) {
  return ok(await admin.post('/api/purchase-orders', { supplierId, locationId, lines: [{ sku, quantity }], submit }), 201) as { id: string; number: string };
}

/** Staff working at this location only. */
async function staffAt(locationId: string) {
  const email = `${unique('staff')}@example.com`;
  ok(await admin.post('/api/users', { email, name: 'E2E floor', password: PASSWORD, roles: ['staff'], locationIds: [locationId] }), 201);
  return { email, password: PASSWORD };
}

describe('purchasing page', () => {
  it('a planner filters by supplier and submits a draft; a receipt refused because the order was cancelled meanwhile is shown on the order', async () => {
    const location = await createLocation(admin);
    const { sku } = await createProduct(admin);
    const supplier = await createSupplier(admin, [sku]);
    const draft = await purchaseOrder(supplier.id, location.id, sku, 4, false);
    const submitted = await purchaseOrder(supplier.id, location.id, sku, 10, true);
    // Another supplier's order, which the filter must leave out.
    const { sku: otherSku } = await createProduct(admin);
    const otherSupplier = await createSupplier(admin, [otherSku]);
    const othersOrder = await purchaseOrder(otherSupplier.id, location.id, otherSku, 1, true);

    const planner = await createUser(admin, 'planner');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), planner.email, planner.password);
    await page.getByRole('link', { name: 'Purchasing' }).click();
    // Every supplier's orders first; the filter's answer replaces them (the cards of ours are in
    // both lists, so they alone cannot tell that it came).
    const othersCard = page.getByRole('article', { name: `Purchase order ${othersOrder.number}` });
    await othersCard.waitFor();
    await page.getByLabel('Supplier').selectOption(supplier.id);
    await othersCard.waitFor({ state: 'detached' });
    const draftCard = page.getByRole('article', { name: `Purchase order ${draft.number}` });
    const submittedCard = page.getByRole('article', { name: `Purchase order ${submitted.number}` });
    await draftCard.waitFor();
    await submittedCard.waitFor();
    await expect(page.getByRole('article', { name: /^Purchase order / }).count()).resolves.toBe(2);

    await draftCard.getByRole('button', { name: draft.number }).click();
    await draftCard.getByRole('table', { name: `Lines of ${draft.number}` }).getByRole('rowheader', { name: sku }).waitFor();
    await draftCard.getByRole('button', { name: 'Submit to supplier' }).click();
    await draftCard.getByText(`${draft.number}: Submitted to the supplier.`).waitFor();
    await draftCard.locator('.badge').filter({ hasText: /^Submitted$/ }).waitFor();
    // Planners plan; they do not receive.
    await submittedCard.getByRole('button', { name: submitted.number }).click();
    await submittedCard.getByRole('button', { name: 'Cancel order' }).waitFor();
    await expect(submittedCard.getByRole('form', { name: `Receive ${submitted.number}` }).count()).resolves.toBe(0);
    await page.context().close();

    const manager = await createUser(admin, 'manager');
    const desk = await newPage(browser);
    await signInThroughForm(desk, towerUrl(), manager.email, manager.password);
    await desk.goto(`${towerUrl()}/purchasing?po=${submitted.number}`);
    const card = desk.getByRole('article', { name: `Purchase order ${submitted.number}` });
    const receive = card.getByRole('form', { name: `Receive ${submitted.number}` });
    await receive.getByRole('spinbutton', { name: `Units of ${sku} received` }).fill('3');
    ok(await admin.post(`/api/purchase-orders/${submitted.id}/cancel`, { reason: 'supplier out of stock' }), 200);
    await receive.getByRole('button', { name: 'Receive 3 units' }).click();
    await card.getByRole('alert').getByText(/cancelled/i).first().waitFor();
    await card.locator('.badge').filter({ hasText: /^Cancelled$/ }).waitFor();
    await expect(card.getByRole('form', { name: `Receive ${submitted.number}` }).count()).resolves.toBe(0);
    await screenshot(desk, 'purchasing-refused');
    await desk.context().close();
  });

  it('staff receive purchase orders at their location only, part of a line at a time', async () => {
    const location = await createLocation(admin);
    const elsewhere = await createLocation(admin);
    const { sku } = await createProduct(admin);
    const supplier = await createSupplier(admin, [sku]);
    const po = await purchaseOrder(supplier.id, location.id, sku, 10, true);
    const away = await purchaseOrder(supplier.id, elsewhere.id, sku, 6, true);

    const staff = await staffAt(location.id);
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), staff.email, staff.password);
    await page.goto(`${towerUrl()}/purchasing`);
    const card = page.getByRole('article', { name: `Purchase order ${po.number}` });
    await card.waitFor();
    await expect(page.getByRole('article', { name: `Purchase order ${away.number}` }).count()).resolves.toBe(0);
    await expect(page.getByLabel('Location').locator('option').count()).resolves.toBe(1);
    await card.getByRole('button', { name: po.number }).click();
    await expect(card.getByRole('button', { name: /Submit|Cancel order|Close/ }).count()).resolves.toBe(0);
    const receive = card.getByRole('form', { name: `Receive ${po.number}` });
    await receive.getByRole('spinbutton', { name: `Units of ${sku} received` }).fill('4');
    await receive.getByRole('button', { name: 'Receive 4 units' }).click();
    await card.getByText(`${po.number}: Received 4 units.`).waitFor();
    await card.locator('.badge').filter({ hasText: /^Partially received$/ }).waitFor();
    await expect(receive.getByRole('spinbutton', { name: `Units of ${sku} received` }).inputValue()).resolves.toBe('6');
    await page.context().close();

    const level = ok(await admin.get(`/api/inventory?sku=${sku}&locationId=${location.id}`), 200)[0];
    expect(level.onHand).toBe(4);
  });

  it('a manager ships a transfer from one location and receives it at the other', async () => {
    const from = await createLocation(admin);
    const to = await createLocation(admin);
    const { sku } = await createProduct(admin);
    await addStock(admin, sku, from.id, 20);
    const transfer = ok(await admin.post('/api/transfers', { fromLocationId: from.id, toLocationId: to.id, lines: [{ sku, quantity: 7 }] }), 201) as { id: string; number: string };

    const manager = await createUser(admin, 'manager');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), manager.email, manager.password);
    await page.goto(`${towerUrl()}/purchasing?transfer=${transfer.number}`);
    const card = page.getByRole('article', { name: `Transfer ${transfer.number}` });
    await card.getByRole('button', { name: 'Ship all requested units' }).click();
    await card.getByText(`${transfer.number}: Shipped.`).waitFor();
    const receive = card.getByRole('form', { name: `Receive ${transfer.number}` });
    await receive.getByRole('button', { name: 'Receive 7 units' }).click();
    await card.getByText(`${transfer.number}: Received 7 units.`).waitFor();
    await card.locator('.badge').filter({ hasText: /^Received$/ }).waitFor();
    await screenshot(page, 'purchasing-transfer');
    await page.context().close();

    const [atFrom] = ok(await admin.get(`/api/inventory?sku=${sku}&locationId=${from.id}`), 200);
    const [atTo] = ok(await admin.get(`/api/inventory?sku=${sku}&locationId=${to.id}`), 200);
    expect([atFrom.onHand, atTo.onHand]).toEqual([13, 7]);
  });
});
