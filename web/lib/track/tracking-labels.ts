/** What a customer reads for each event of their order's timeline. */
const LABELS: Record<string, string> = {
  'order.placed': 'Order received',
  'order.allocated': 'Being prepared',
  'order.backordered': 'Waiting for stock',
  'order.held': 'On hold',
  'order.released': 'Back in progress',
  'order.picking_started': 'Being picked',
  'order.packed': 'Packed',
  'order.shipped': 'Shipped',
  'order.ready_for_pickup': 'Ready for pickup',
  'order.delivered': 'Delivered',
  'order.cancelled': 'Cancelled',
  'order.return_requested': 'Return requested',
  'order.returned': 'Returned',
};

export function trackingLabel(type: string): string {
  if (LABELS[type]) return LABELS[type];
  const text = type.replace(/^[a-z]+\./, '').replace(/[._]/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
