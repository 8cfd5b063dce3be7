import { bookingBody } from '../../../../test-support/booking-body.ts';
import { testServerUrl } from './dom.ts';

/**
 * Books a video appointment for the mantelzorgpremie through the real server's API, as the booking
 * view would; `overrides` replace fields of the body (citizen, companion, metadata…). `pick` chooses
 * among the free slots of the coming `days`: the first, or any (so tests in one run do not collide).
 */
export async function bookVideo(opts: { days?: number; pick?: 'first' | 'any'; overrides?: Record<string, unknown>; server?: string } = {}) {
  const server = opts.server ?? (await testServerUrl());
  const { slots } = await (await fetch(`${server}/api/services/mantelzorgpremie/slots?channel=video&days=${opts.days ?? 14}`)).json();
  const slot = opts.pick === 'any' ? slots[Math.floor(Math.random() * slots.length)] : slots[0];
  const response = await fetch(`${server}/api/appointments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(bookingBody(slot, opts.overrides)),
  });
  return { status: response.status, body: await response.json() };
}
