import { createHmac, timingSafeEqual } from 'node:crypto';

/** Webhook keys from configuration: one shared by every carrier, and per-carrier ones that win over it. */
export interface CarrierWebhookSecrets {
  shared?: string | undefined;
  perCarrier?: Record<string, string> | undefined;
}

export function carrierSecret(secrets: CarrierWebhookSecrets | undefined, carrier: string): string | null {
  return (secrets?.perCarrier && Object.hasOwn(secrets.perCarrier, carrier) ? secrets.perCarrier[carrier] : secrets?.shared) ?? null;
}

/** `sha256=<hex>`: the HMAC-SHA256 of the raw body with the carrier's key, as a carrier signs it. */
export function signCarrierBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/** Compares in constant time, so the signature cannot be guessed byte by byte from response times. */
export function verifyCarrierSignature(secret: string, rawBody: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signCarrierBody(secret, rawBody));
  const sent = Buffer.from(header.trim().toLowerCase());
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}
