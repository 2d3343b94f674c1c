import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createProduct, expectStatus, orderBody, placeOrder } from '#test/support/factories.ts';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { adminApi, createUser, towerUrl } from './support/users.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('fulfillment station', () => {
  it("staff pick, pack and hand over an order at their location, with its label on the way", async () => {
    const admin = await adminApi();
    const staff = await createUser(admin, 'staff');
    const locationId = staff.locationIds![0]!;
    const product = await createProduct(admin);
    await addStock(admin, product.sku, locationId, 10);
    const placed = expectStatus(await placeOrder(admin, orderBody([{ sku: product.sku, quantity: 2 }])), 201).body as { id: string; number: string };
    expectStatus(await admin.post('/api/fulfillment/release', {}), 200);

    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), staff.email, staff.password);
    await page.goto(`${towerUrl()}/fulfillment`);
    const pickQueue = page.getByRole('region', { name: 'Pick queue' });
    await pickQueue.getByRole('link', { name: placed.number }).waitFor();
    await pickQueue.getByRole('button', { name: 'Picked' }).click();

    const packQueue = page.getByRole('region', { name: 'Pack queue' });
    await packQueue.getByRole('link', { name: placed.number }).waitFor();
    await packQueue.getByRole('button', { name: 'Pack' }).click();

    const shipQueue = page.getByRole('region', { name: 'Ship queue' });
    await shipQueue.getByRole('link', { name: placed.number }).waitFor();
    const label = shipQueue.getByRole('link', { name: 'Print label' }).first();
    const labelResponse = await page.request.get(new URL((await label.getAttribute('href'))!, towerUrl()).toString());
    expect(labelResponse.headers()['content-type']).toContain('application/pdf');
    await screenshot(page, 'fulfillment');
    await shipQueue.getByRole('button', { name: /Hand to carrier|Ready for pickup/ }).click();
    await shipQueue.getByText('No packed shipments.').waitFor();

    const shipments = await admin.get(`/api/fulfillment/shipments?orderId=${placed.id}`);
    expect(shipments.body.map((s: { status: string }) => s.status)).toEqual(['shipped']);
    await page.context().close();
  });
});
