import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placeOrder } from '#test/support/factories.ts';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { adminApi, createUser, towerUrl } from './support/users.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Sourcing {
  decision: {
    costs: { currency: string };
    log: {
      winner: { totalCents: number; shipments: { locationId: string }[] };
      candidates: { locationId: string; status: string; chosen?: boolean; rank?: number }[];
    };
  };
}

describe('order detail: why it ships from there', () => {
  it("a manager sees the ranked candidate locations, the chosen one and the winner's cost, as the API records them", async () => {
    const admin = await adminApi();
    const product = await createProduct(admin);
    const near = await createLocation(admin, { name: 'Austin warehouse', lat: 30.3, lon: -97.7 });
    const far = await createLocation(admin, { name: 'Seattle warehouse', lat: 47.6, lon: -122.3, region: 'WA' });
    await addStock(admin, product.sku, near.id, 5);
    await addStock(admin, product.sku, far.id, 5);
    const placed = expectStatus(await placeOrder(admin, orderBody([{ sku: product.sku, quantity: 1 }])), 201).body as { id: string; number: string };
    const sourcing = expectStatus(await admin.get(`/api/orders/${placed.id}/sourcing`), 200).body as Sourcing;
    const chosen = sourcing.decision.log.winner.shipments[0]!.locationId;
    const ranked = sourcing.decision.log.candidates.filter((c) => c.status === 'ranked');
    expect(ranked.map((c) => c.locationId).sort()).toEqual([near.id, far.id].sort());

    const manager = await createUser(admin, 'manager');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), manager.email, manager.password);
    await page.goto(`${towerUrl()}/orders/${placed.id}`);
    const section = page.getByRole('region', { name: 'Why it ships from there' });
    const table = section.getByRole('table', { name: 'Candidate locations' });
    await table.waitFor();
    const chosenName = chosen === near.id ? `${near.code} · Austin warehouse` : `${far.code} · Seattle warehouse`;
    const chosenRow = table.getByRole('row', { name: new RegExp(chosenName) });
    await chosenRow.getByText(/^Chosen · #1/).waitFor();
    const otherName = chosen === near.id ? `${far.code} · Seattle warehouse` : `${near.code} · Austin warehouse`;
    await table.getByRole('row', { name: new RegExp(otherName) }).getByText(/^Ranked · #2/).waitFor();

    const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: sourcing.decision.costs.currency }).format(sourcing.decision.log.winner.totalCents / 100);
    await section.getByRole('definition').filter({ hasText: total }).first().waitFor();
    // The eliminated locations of the whole network sit behind a disclosure, reachable from the keyboard.
    const disclosure = section.locator('summary');
    if (await disclosure.count()) {
      await disclosure.focus();
      await page.keyboard.press('Enter');
      await section.getByRole('table', { name: 'Eliminated locations' }).waitFor();
    }
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'order-sourcing');
    await page.context().close();
  });
});
