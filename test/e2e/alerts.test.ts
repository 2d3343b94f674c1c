import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '#test/support/api-client.ts';
import { addStock, createLocation, createProduct, expectStatus, orderBody, placeOrder } from '#test/support/factories.ts';
import { shortenStuckOrderSlas } from './support/alert-rules.ts';
import { launchBrowser, newPage, screenshot, signInThroughForm } from './support/browser.ts';
import { adminApi, createUser, towerUrl } from './support/users.ts';

/**
 * Alerts from the floor manager's chair, raised for real: the stuck_orders SLAs at a location of
 * the test's own are cut to seconds, an order placed there waits to be picked, and the engine
 * (every ALERT_EVALUATE_INTERVAL_MS, 5 s by default in the e2e Tower) opens the alert.
 */
let browser: Browser;
let admin: ApiClient;
const restores: (() => Promise<void>)[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await adminApi();
});
afterAll(async () => {
  for (const restore of restores) await restore();
  await browser?.close();
});

/**
 * The SLAs cut at a test's location: an order is stuck 3 s after its allocation if no shipment
 * takes it, or 3.6 s after its release if not picked. What the engine sees is the same as with
 * hours: the alert opens at its next round (every 5 s) after the release loop's (every 5 s).
 */
const STUCK_WITHIN_SECONDS = { releaseMinutes: 0.05, pickHours: 0.001 };

const ok = (response: { status: number; body: any }, status: number): any => expectStatus(response, status).body;

/** The alert the engine opens at this location (it evaluates every few seconds). */
async function openAlertAt(locationId: string, timeoutMs = 60_000): Promise<{ id: string; title: string }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [alert] = ok(await admin.get(`/api/alerts?state=open&rule=stuck_orders&locationId=${locationId}`), 200).items;
    if (alert) return alert;
    if (Date.now() > until) throw new Error(`no stuck_orders alert opened at ${locationId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

describe('alerts', () => {
  it('an order not picked in time raises an alert live in the inbox and as a toast; the manager opens it, sees the order, acknowledges and resolves it', async () => {
    const location = await createLocation(admin);
    const { sku } = await createProduct(admin);
    await addStock(admin, sku, location.id, 10);
    restores.push(await shortenStuckOrderSlas(admin, location.id, STUCK_WITHIN_SECONDS));

    const manager = await createUser(admin, 'manager');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), manager.email, manager.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Time to acknowledge and resolve' }).waitFor();
    await page.getByRole('link', { name: 'Rules' }).waitFor();

    const order = ok(await placeOrder(admin, orderBody([{ sku, quantity: 1 }])), 201) as { id: string; number: string };
    // Live: the inbox is not reloaded; the alert comes over socket.io.
    const row = page.getByTestId('alert-row').filter({ hasText: `stuck at ${location.code}` });
    await row.waitFor({ timeout: 60_000 });
    await expect(row.getByText('Open', { exact: true }).count()).resolves.toBe(1);
    const toast = page.getByTestId('alert-toast').filter({ hasText: `stuck at ${location.code}` });
    await toast.waitFor();
    await screenshot(page, 'alerts-inbox-toast');

    await toast.getByRole('link').click();
    await page.waitForURL(/\/alerts\/[0-9a-f-]{36}$/);
    const affected = page.getByRole('region', { name: 'Affected orders' });
    await affected.getByRole('link', { name: order.number }).waitFor();
    await expect(affected.getByRole('link', { name: order.number }).getAttribute('href')).resolves.toBe(`/orders/${order.id}`);
    await page.getByRole('region', { name: 'History' }).getByText(/^Opened as (warning|critical)$/).waitFor();

    await page.getByRole('form', { name: 'Acknowledge' }).getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('alert-state').getByText('Acknowledged').waitFor();
    await expect(page.getByTestId('alert-assignee').textContent()).resolves.toBe('E2E manager (you)');
    await page.getByRole('region', { name: 'History' }).getByText('Acknowledged, assigned to E2E manager (you)').waitFor();

    // Put right what was wrong (the order is cancelled), then say so: the engine finds nothing to reopen.
    ok(await admin.post(`/api/orders/${order.id}/cancel`, { reason: 'e2e: customer changed their mind' }), 200);
    await page.getByRole('button', { name: 'Resolve…' }).click();
    const resolve = page.getByRole('form', { name: 'Resolve' });
    await expect(resolve.getByRole('button', { name: 'Confirm: resolve' }).isDisabled()).resolves.toBe(true);
    await resolve.getByLabel('Reason (required)').fill('Order cancelled at the customer’s request');
    await resolve.getByRole('button', { name: 'Confirm: resolve' }).click();
    await page.getByTestId('alert-state').getByText('Resolved').waitFor();
    await page.getByRole('region', { name: 'History' }).getByText('Resolved: Order cancelled at the customer’s request').waitFor();
    await expect(page.getByRole('region', { name: 'Actions' }).count()).resolves.toBe(0);
    await screenshot(page, 'alerts-detail-resolved');

    // Back in the inbox: the resolved alert left the open view, and shows under Resolved with the week's response times.
    await page.getByRole('link', { name: '← Alerts' }).click();
    await page.getByRole('table', { name: 'Response times by rule' }).getByRole('rowheader', { name: 'Stuck orders' }).waitFor();
    await page.getByRole('search', { name: 'Filter alerts' }).getByLabel('State').selectOption('resolved');
    await page.getByTestId('alert-row').filter({ hasText: `stuck at ${location.code}` }).waitFor();
    await page.getByLabel('State').selectOption('live');
    // The resolved view's rows stay on screen until the live list arrives: wait for ours to go.
    await page.getByTestId('alert-row').filter({ hasText: `stuck at ${location.code}` }).waitFor({ state: 'detached' });
    await page.context().close();
  }, 150_000);

  it('someone else resolved it first: the refused resolve (409) is said and the alert shown as it is now', async () => {
    const location = await createLocation(admin);
    const { sku } = await createProduct(admin);
    await addStock(admin, sku, location.id, 10);
    restores.push(await shortenStuckOrderSlas(admin, location.id, STUCK_WITHIN_SECONDS));
    const order = ok(await placeOrder(admin, orderBody([{ sku, quantity: 1 }])), 201) as { id: string };
    const alert = await openAlertAt(location.id);

    const manager = await createUser(admin, 'manager');
    const page = await newPage(browser);
    // No live updates on this page: it still shows the alert open when the manager acts.
    await page.routeWebSocket(/\/socket\.io\//, () => undefined);
    await signInThroughForm(page, towerUrl(), manager.email, manager.password);
    await page.goto(`${towerUrl()}/alerts/${alert.id}`);
    await page.getByRole('button', { name: 'Resolve…' }).click();
    await page.getByLabel('Reason (required)').fill('Picked it myself');
    ok(await admin.post(`/api/orders/${order.id}/cancel`, { reason: 'e2e' }), 200);
    ok(await admin.post(`/api/alerts/${alert.id}/resolve`, { reason: 'Cancelled the order' }), 200);
    await page.getByRole('button', { name: 'Confirm: resolve' }).click();
    await page.getByRole('alert').getByText(/^Someone else changed this alert first/).waitFor();
    await page.getByTestId('alert-state').getByText('Resolved').waitFor();
    await page.getByRole('region', { name: 'History' }).getByText('Resolved: Cancelled the order').waitFor();
    await page.context().close();
  }, 150_000);

  it('a manager’s rule form is generated from the rule’s thresholds and shows a refused value beside its field', async () => {
    const manager = await createUser(admin, 'manager');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), manager.email, manager.password);
    await page.goto(`${towerUrl()}/alerts/rules`);
    const form = page.getByRole('form', { name: 'Rule stuck_orders' });
    await form.getByLabel('pickHours').waitFor();
    await expect(form.getByLabel('perLocation (JSON)').count()).resolves.toBe(1);
    await form.getByLabel('pickHours').fill('-1');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').waitFor();
    await expect(form.getByLabel('pickHours').getAttribute('aria-invalid')).resolves.toBe('true');
    await form.locator('#stuck_orders-pickHours-hint').filter({ hasText: /too small|>0|positive/i }).waitFor();
    await screenshot(page, 'alerts-rules-refused');
    await form.getByRole('button', { name: 'Undo changes' }).click();
    await expect(form.getByLabel('pickHours').inputValue()).resolves.toBe('4');
    const rule = ok(await admin.get('/api/alert-rules'), 200).items.find((r: { rule: string }) => r.rule === 'stuck_orders');
    expect(rule.thresholds.pickHours).toBe(4);
    await page.context().close();
  });

  it('floor staff hold a stuck order from the alert page: the outcome, the history entry and the order on hold', async () => {
    const staff = await createUser(admin, 'staff');
    const locationId = staff.locationIds![0]!;
    const { sku } = await createProduct(admin);
    await addStock(admin, sku, locationId, 10);
    restores.push(await shortenStuckOrderSlas(admin, locationId, STUCK_WITHIN_SECONDS));
    const stuck = ok(await placeOrder(admin, orderBody([{ sku, quantity: 1 }])), 201) as { id: string; number: string };
    const other = ok(await placeOrder(admin, orderBody([{ sku, quantity: 1 }])), 201) as { id: string; number: string };
    const alert = await openAlertAt(locationId);
    // Both orders wait at the location: wait until the alert lists both.
    for (let until = Date.now() + 30_000; ; ) {
      const listed = ok(await admin.get(`/api/alerts/${alert.id}`), 200).affected.orders as string[];
      if (listed.includes(stuck.id) && listed.includes(other.id)) break;
      if (Date.now() > until) throw new Error('the alert never listed both orders');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }

    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), staff.email, staff.password);
    await page.goto(`${towerUrl()}/alerts/${alert.id}`);
    const affected = page.getByRole('region', { name: 'Affected orders' });
    await affected.getByRole('link', { name: stuck.number }).waitFor();
    const remedy = page.getByRole('form', { name: 'Remedy for orders' });
    // Staff may hold, release and reroute; upgrading the service is for managers.
    await expect(remedy.getByLabel('Remedy').locator('option').allTextContents()).resolves.toEqual(['Hold', 'Release hold', 'Reroute']);
    await expect(remedy.getByRole('button', { name: 'Apply to 0 selected…' }).isDisabled()).resolves.toBe(true);
    await affected.getByRole('checkbox', { name: `Select ${stuck.number}` }).check();
    await remedy.getByLabel('Remedy').selectOption('hold');
    await remedy.getByLabel('Reason').fill('Customer asked us to wait');
    await remedy.getByRole('button', { name: 'Apply to 1 selected…' }).click();
    await remedy.getByText('Hold 1 order?').waitFor();
    await remedy.getByRole('button', { name: 'Confirm' }).click();

    const outcome = page.getByRole('region', { name: 'Remedy outcome' });
    await outcome.getByRole('heading', { name: 'Held 1 order' }).waitFor();
    await expect(outcome.getByTestId('remedy-outcome').allTextContents()).resolves.toEqual([expect.stringContaining(`${stuck.number} done`)]);
    await page.getByRole('region', { name: 'History' }).getByText('Held 1 order').waitFor();
    await screenshot(page, 'alerts-detail-remedy');

    // The order itself is on hold, with the reason given; the other order was not touched.
    const held = ok(await admin.get(`/api/orders/${stuck.id}`), 200);
    expect(held.status).toBe('on_hold');
    expect(ok(await admin.get(`/api/orders/${other.id}`), 200).status).not.toBe('on_hold');
    await affected.getByRole('link', { name: stuck.number }).click();
    await page.waitForURL(new RegExp(`/orders/${stuck.id}$`));
    await page.getByText(/on hold/i).first().waitFor();
    await page.context().close();

    // The manager's control tower shows the alert response figures.
    const manager = await createUser(admin, 'manager');
    const tower = await newPage(browser);
    await signInThroughForm(tower, towerUrl(), manager.email, manager.password);
    await tower.goto(`${towerUrl()}/tower`);
    const response = tower.getByRole('region', { name: 'Alert response' });
    await response.getByTestId('kpi-alerts-live').waitFor();
    await response.getByTestId('kpi-alerts-ack').waitFor();
    await response.getByTestId('kpi-alerts-resolve').waitFor();
    await tower.context().close();
  }, 150_000);

  it('staff read and act on alerts but see no rule settings', async () => {
    const staff = await createUser(admin, 'staff');
    const page = await newPage(browser);
    await signInThroughForm(page, towerUrl(), staff.email, staff.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor();
    await page.getByText('No open alerts. All clear.').waitFor();
    await expect(page.getByRole('navigation', { name: 'Alerts' }).getByRole('link').allTextContents()).resolves.toEqual(['Inbox']);
    await page.goto(`${towerUrl()}/alerts/rules`);
    await page.getByText('Alert rules are changed by managers and admins.').waitFor();
    await expect(page.getByRole('form', { name: /^Rule / }).count()).resolves.toBe(0);
    await page.context().close();
  });
});
