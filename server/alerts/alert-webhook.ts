import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-tower-signature';
export const TIMESTAMP_HEADER = 'x-tower-timestamp';
export const DELIVERY_HEADER = 'x-tower-delivery';

/**
 * `sha256=<hex>`: HMAC-SHA256 with the webhook's key over `<timestamp>.<raw body>` (timestamp in
 * Unix seconds, also sent as x-tower-timestamp), so a captured request cannot be replayed later
 * with another timestamp. The carriers' webhooks in reverse (server/fulfillment/carrier-signature.ts).
 */
export function signAlertWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex')}`;
}

/** What a receiver checks: the signature, in constant time, and a timestamp within `toleranceSeconds` of now. */
export function verifyAlertWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  rawBody: string,
  options: { nowMs?: number; toleranceSeconds?: number } = {},
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  const skew = Math.abs((options.nowMs ?? Date.now()) / 1000 - timestamp);
  if (skew > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signAlertWebhook(secret, timestamp, rawBody));
  const sent = Buffer.from(headers.signature.trim().toLowerCase());
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

export class WebhookRefusedError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`the webhook answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
  }
}

/** POSTs one signed delivery; anything but a 2xx (or no answer within `timeoutMs`) throws. */
export async function postAlertWebhook(target: { url: string; secret: string }, deliveryId: string, body: unknown, timeoutMs = 10_000): Promise<number> {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(target.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signAlertWebhook(target.secret, timestamp, raw),
      [DELIVERY_HEADER]: deliveryId,
      'user-agent': 'Tower-Alerts/1',
    },
    body: raw,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new WebhookRefusedError(response.status, await response.text().catch(() => ''));
  await response.body?.cancel().catch(() => undefined);
  return response.status;
}
