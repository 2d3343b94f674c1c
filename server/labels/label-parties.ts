import type { LabelAddress, LabelLocation } from './label.schemas.ts';

/** A location as a label's sender: Tower keeps no street address for it yet, so its code and region print instead. */
export function locationParty(location: { name: string; code: string; region: string | null; country: string | null }): LabelLocation {
  return { name: location.name, addressLines: [location.code, [location.region, location.country].filter(Boolean).join(' ')] };
}

/** A customer's shipping address as a label's addressee (the caller has checked it has one). */
export function customerParty(
  name: string,
  address: { line1: string; line2: string | null; city: string | null; region: string | null; postal_code: string | null; country: string | null },
): LabelAddress {
  return {
    name,
    addressLines: [address.line1, ...(address.line2 ? [address.line2] : [])],
    city: address.city!,
    region: address.region ?? '',
    postalCode: address.postal_code!,
    country: address.country!,
  };
}
