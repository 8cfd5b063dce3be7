import assert from 'node:assert/strict';
import { api, bookingBody, type TestServer } from './server.ts';

export type TestSlot = { start: string; channel: string; locationId: string | null };

/** Books a slot and expects 201; returns the personal link token and the appointment id. */
export async function book(server: TestServer, slot: TestSlot, overrides: Record<string, unknown> = {}) {
  const response = await api(server.url, '/api/appointments', { body: bookingBody(slot, overrides) });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return { token: response.body.token as string, id: response.body.appointment.id as string };
}

/** The start times a service lists for a query such as `channel=video&from=2027-03-30&days=1`. */
export async function offeredStarts(server: TestServer, query: string, serviceId = 'mantelzorgpremie'): Promise<string[]> {
  const response = await api(server.url, `/api/services/${serviceId}/slots?${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.slots.map((s: { start: string }) => s.start);
}

/** The 5-minute units an appointment holds, in time order. */
export const claimedUnits = async (server: TestServer, appointmentId: string): Promise<string[]> =>
  (await server.app.db.q.selectFrom('slot_claims').select('unit_at').where('appointment_id', '=', appointmentId).orderBy('unit_at').execute()).map(
    (row) => row.unit_at,
  );
