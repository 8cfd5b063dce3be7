/**
 * A valid booking body for `slot`; override what the test is about. No Node imports: the widget's
 * browser tests use it too.
 */
export function bookingBody(slot: { start: string; channel: string; locationId: string | null }, overrides: Record<string, unknown> = {}) {
  return {
    serviceId: 'mantelzorgpremie',
    start: slot.start,
    channel: slot.channel,
    locationId: slot.locationId,
    lang: 'nl',
    citizen: { name: 'Marie Claes', email: 'marie@example.org' },
    intake: { zorgvrager: 'Mijn ouders' },
    consent: true,
    ...overrides,
  };
}
