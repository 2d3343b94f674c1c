import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createProduct, expectStatus } from '#test/support/factories.ts';
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

interface Rma {
  id: string;
  number: string;
  status: string;
  resolution: string | null;
  refundedCents: number;
  exchangeOrderId: string | null;
  lines: { id: string }[];
}

describe('returns desk: exchange', () => {
  it('staff resolve a received return by exchange for another SKU; the desk links the new order and shows the difference', async () => {
    const admin = await adminApi();
    const { order, location, product } = await deliveredOrder(admin);
    const replacement = await createProduct(admin, { category: 'footwear', priceCents: 6500, name: 'Trail runner, half size up' });
    await addStock(admin, replacement.sku, location.id, 5);
    const requested = expectStatus(await admin.post('/api/returns', { order: order.number, lines: [{ sku: product.sku, quantity: 1, reason: 'size_or_fit' }] }), 201).body as Rma;
    expectStatus(await admin.post(`/api/returns/${requested.id}/authorize`, {}), 200);
    expectStatus(
      await admin.post(`/api/returns/${requested.id}/receive`, {
        locationId: location.id,
        lines: [{ returnLineId: requested.lines[0]!.id, quantity: 1, disposition: { restock: 1 } }],
      }),
      200,
    );
    expect((expectStatus(await admin.get(`/api/returns/${requested.id}`), 200).body as Rma).status).toBe('inspected');

    const manager = await createUser(admin, 'manager');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), manager.email, manager.password);
    await page.goto(`${towerUrl()}/returns`);
    await page.getByRole('button', { name: new RegExp(requested.number) }).click();
    const detail = page.getByRole('region', { name: 'Return detail' });
    await detail.getByLabel('Exchange for other items').check();
    const form = detail.getByRole('form', { name: 'Exchange' });
    // It starts as a like-for-like exchange of the received units.
    await expect.poll(() => form.getByLabel('Replacement 1 SKU').inputValue()).toBe(product.sku);
    await form.getByLabel('Replacement 1 SKU').fill('NO-SUCH-SKU');
    await form.getByLabel('Replacement 1 SKU').press('Tab');
    await form.getByText('No product with SKU NO-SUCH-SKU').waitFor();
    await form.getByLabel('Replacement 1 SKU').fill(replacement.sku);
    await form.getByLabel('Replacement 1 units').focus();
    await form.getByText('Trail runner, half size up · $65.00 each').waitFor();
    await form.getByLabel('Replacement 1 units').fill('1');
    // One of two $50 units, with its tax, comes back; the replacement lists at $65.
    await form.getByTestId('exchange-estimate').getByText(/^customer pays \$/).waitFor();

    // A declined card is a problem the desk shows, and the RMA stays open.
    await form.getByLabel('Card token for the new order').fill('tok_declined');
    await form.getByRole('button', { name: 'Resolve by exchange' }).click();
    await detail.getByRole('alert').waitFor();
    const unresolved = expectStatus(await admin.get(`/api/returns/${requested.id}`), 200).body as Rma;
    expect(unresolved.status).toBe('inspected');
    expect(unresolved.exchangeOrderId).toBeNull();

    await form.getByLabel('Card token for the new order').fill('tok_visa');
    await screenshot(page, 'returns-exchange-form');
    await form.getByRole('button', { name: 'Resolve by exchange' }).click();
    const outcome = detail.getByRole('region', { name: 'Exchange order' });
    const link = outcome.getByRole('link');
    await link.waitFor();
    await detail.getByText(/Resolved by Exchange/).waitFor();
    await screenshot(page, 'returns-exchange');

    const resolved = expectStatus(await admin.get(`/api/returns/${requested.id}`), 200).body as Rma;
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolution).toBe('exchange');
    expect(resolved.exchangeOrderId).toBeTruthy();
    expect(await link.getAttribute('href')).toBe(`/orders/${resolved.exchangeOrderId}`);
    const exchange = expectStatus(await admin.get(`/api/orders/${resolved.exchangeOrderId}`), 200).body as {
      number: string;
      totals: { total: number };
      lines: { sku: string; quantity: number }[];
    };
    expect(await link.textContent()).toBe(exchange.number);
    expect(exchange.lines.map((line) => [line.sku, line.quantity])).toEqual([[replacement.sku, 1]]);
    const difference = exchange.totals.total - resolved.refundedCents;
    expect(difference).toBeGreaterThan(0);
    const shown = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(difference / 100);
    await outcome.getByTestId('exchange-difference').getByText(`customer paid ${shown}`).waitFor();

    await link.click();
    await page.getByRole('heading', { name: `Order ${exchange.number}` }).waitFor();
    await page.context().close();
  });
});
