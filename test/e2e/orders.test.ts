import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, expectStatus, orderBody, placeOrder, stockedProduct } from '#test/support/factories.ts';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { adminApi, createUser, towerUrl } from './support/users.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('orders', () => {
  it('an order placed over the API appears in the open orders list without a reload; cancelling it from its page shows it cancelled', async () => {
    const admin = await adminApi();
    const { product } = await stockedProduct(admin, 20);
    const manager = await createUser(admin, 'manager');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), manager.email, manager.password);
    await page.goto(`${towerUrl()}/orders`);
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    // The list is shown and the live connection is up before the order exists.
    await page.getByRole('table', { name: 'Orders' }).or(page.getByText('No orders match.')).waitFor();
    await page.locator('header .live.on').waitFor();

    const placed = expectStatus(await placeOrder(admin, orderBody([{ sku: product.sku, quantity: 2 }])), 201).body as { id: string; number: string };
    const link = page.getByRole('link', { name: placed.number, exact: true });
    await link.waitFor({ timeout: 5_000 });
    await screenshot(page, 'orders');

    await link.click();
    await page.getByRole('heading', { name: `Order ${placed.number}` }).waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByText('Order placed').waitFor();
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByLabel('Reason (optional)').fill('Customer changed their mind');
    await page.getByRole('button', { name: 'Confirm: cancel order' }).click();
    await page.getByTestId('order-status').getByText('Cancelled').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    await screenshot(page, 'order-detail');

    const after = await admin.get(`/api/orders/${placed.id}`);
    expect(after.body.status).toBe('cancelled');
    await page.context().close();
  });

  it('a planner may read an order but is offered no actions on it', async () => {
    const admin = await adminApi();
    const { product } = await stockedProduct(admin, 5);
    const placed = expectStatus(await placeOrder(admin, orderBody([{ sku: product.sku, quantity: 1 }])), 201).body as { id: string; number: string };
    const planner = await createUser(admin, 'planner');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), planner.email, planner.password);
    await page.goto(`${towerUrl()}/orders/${placed.id}`);
    await page.getByRole('heading', { name: `Order ${placed.number}` }).waitFor();
    expect(await page.getByRole('group', { name: 'Order actions' }).count()).toBe(0);
    await page.context().close();
  });

  it('a manager reroutes an order away from the location it was allocated at, to another', async () => {
    const admin = await adminApi();
    const { product, location: first } = await stockedProduct(admin, 10);
    const second = await createLocation(admin, { name: 'Second warehouse' });
    await addStock(admin, product.sku, second.id, 10);
    const placed = expectStatus(await placeOrder(admin, orderBody([{ sku: product.sku, quantity: 1 }])), 201).body as { id: string; number: string };
    const before = (await admin.get(`/api/orders/${placed.id}`)).body as { lines: { allocations: { locationId: string }[] }[] };
    const from = before.lines[0]!.allocations[0]!.locationId;
    const to = from === first.id ? second.id : first.id;

    const manager = await createUser(admin, 'manager');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), manager.email, manager.password);
    await page.goto(`${towerUrl()}/orders/${placed.id}`);
    await page.getByRole('button', { name: 'Reroute' }).click();
    const form = page.getByRole('form', { name: 'Reroute' });
    await form.getByLabel('Away from').selectOption(from);
    await form.getByLabel('To').selectOption(to);
    await form.getByRole('button', { name: 'Confirm: reroute' }).click();
    await page.getByRole('status').getByText(/Rerouted from/).waitFor();

    const after = (await admin.get(`/api/orders/${placed.id}`)).body as { lines: { allocations: { locationId: string; quantity: number }[] }[] };
    expect(after.lines[0]!.allocations.filter((a) => a.quantity > 0).map((a) => a.locationId)).toEqual([to]);
    await page.context().close();
  });
});
