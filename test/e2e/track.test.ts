import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, orderBody, placeOrder, stockedProduct } from '#test/support/factories.ts';
import { launchBrowser, newPage, screenshot } from './support/browser.ts';
import { adminApi, towerUrl } from './support/users.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('public tracking', () => {
  it('a customer, not signed in, sees their order status and timeline by number and email; a wrong email finds nothing', async () => {
    const admin = await adminApi();
    const { product } = await stockedProduct(admin, 5);
    const body = orderBody([{ sku: product.sku, quantity: 1 }]);
    const placed = expectStatus(await placeOrder(admin, body), 201).body as { number: string };
    const page = await newPage(browser);

    await page.goto(`${towerUrl()}/track`);
    await page.getByLabel('Order number').fill(placed.number);
    await page.getByLabel('Email address').fill('someone-else@example.com');
    await page.getByRole('button', { name: 'Track' }).click();
    await page.getByRole('alert').getByText('could not find').waitFor();

    await page.getByLabel('Email address').fill(body.customer.email.toUpperCase());
    await page.getByRole('button', { name: 'Track' }).click();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('Order received').waitFor();
    expect(await timeline.getByRole('listitem').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('tracking-status').textContent()).toMatch(/placed|allocated/i);
    // No staff navigation for a visitor.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await screenshot(page, 'track');
    await page.context().close();
  });
});
