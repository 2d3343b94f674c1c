import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from '#test/support/factories.ts';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { deliveredOrder } from './support/delivered-order.ts';
import { adminApi, createUser, towerUrl } from './support/users.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('returns desk', () => {
  it('a manager authorizes, receives with a disposition and resolves a return by refund', async () => {
    const admin = await adminApi();
    const { order, location, product } = await deliveredOrder(admin);
    const rma = expectStatus(await admin.post('/api/returns', { order: order.number, lines: [{ sku: product.sku, quantity: 1, reason: 'size_or_fit' }] }), 201).body as {
      id: string;
      number: string;
    };
    const manager = await createUser(admin, 'manager');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), manager.email, manager.password);
    await page.goto(`${towerUrl()}/returns`);
    await page.getByRole('button', { name: new RegExp(rma.number) }).click();
    const detail = page.getByRole('region', { name: 'Return detail' });
    await detail.getByRole('button', { name: 'Authorize' }).click();
    await detail.getByRole('form', { name: 'Receive and inspect' }).waitFor();
    await detail.getByLabel('At location').selectOption(location.id);
    await detail.getByLabel('Disposition').selectOption('restock');
    await detail.getByRole('button', { name: 'Record receipt' }).click();
    await detail.getByRole('form', { name: 'Resolve' }).waitFor();
    await detail.getByLabel('Refund to the original payment').check();
    await detail.getByRole('button', { name: 'Resolve' }).click();
    await detail.getByText(/Resolved by Refund/).waitFor();
    await screenshot(page, 'returns');

    const settled = expectStatus(await admin.get(`/api/returns/${rma.id}`), 200).body as { status: string; refundedCents: number; lines: { disposition: { restock: number } }[] };
    expect(settled.status).toBe('resolved');
    expect(settled.refundedCents).toBeGreaterThan(0);
    expect(settled.lines[0]!.disposition.restock).toBe(1);
    await page.context().close();
  });
});
