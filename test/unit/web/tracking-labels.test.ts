import { describe, expect, it } from 'vitest';
import { EventType } from '#server/core/events.ts';
import { trackingLabel } from '../../../web/lib/track/tracking-labels.ts';

describe('trackingLabel', () => {
  it('names the picking and packing steps of the timeline by the event types the outbox writes', () => {
    expect(trackingLabel(EventType.orderPickingStarted)).toBe('Being picked');
    expect(trackingLabel(EventType.orderPacked)).toBe('Packed');
  });

  it('spells out an event type it has no label for', () => {
    expect(trackingLabel('package.out_for_delivery')).toBe('Out for delivery');
  });
});
