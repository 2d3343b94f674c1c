/** What the email templates are given: plain data, read from the event and the order. */

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderSummary {
  number: string;
  customerName: string;
  currency: string;
  lines: OrderLine[];
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  shippingCents: number;
  totalCents: number;
  /** The order's tracking page: `PUBLIC_URL/track/<number>`. */
  trackingUrl: string;
}

/** Units of one SKU that moved (shipped, delivered, returned), named as on the order. */
export interface ItemLine {
  sku: string;
  name: string;
  quantity: number;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}
