import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { book } from '../../../../test-support/booking.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { signIn, type StaffClient } from '../../../../test-support/staff.ts';

const MONDAY = '2027-03-01T06:00:00Z';
const weekdays = (from: string, to: string, channel = 'video', locationId: string | null = null) =>
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startTime: from, endTime: to, channel, locationId }));
const ids = (body: { error: { details: { appointments: { id: string }[] } } }) => body.error.details.appointments.map((a) => a.id);

describe('services, opening hours and closures', () => {
  let server: TestServer;
  let an: StaffClient;
  /** Monday 1 March 09:00 video with An. */
  let booked: { id: string; token: string };
  before(async () => {
    server = await startTestServer({ clock: testClock(MONDAY) });
    an = await signIn(server);
    booked = await book(server, await firstSlot(server.url));
  });
  after(() => server.cleanup());

  describe('PUT /api/staff/opening-hours/:staffId', () => {
    it('when new hours would leave a booked appointment out, then 409 lists it and nothing changes', async () => {
      const before = (await an.request('/api/staff/opening-hours?staff=an')).body;
      const response = await an.request('/api/staff/opening-hours/an', { method: 'PUT', body: { hours: weekdays('13:00', '17:00') } });
      assert.equal(response.status, 409);
      assert.equal(response.body.error.code, 'appointments_affected');
      assert.deepEqual(response.body.error.details.appointments, [
        {
          id: booked.id,
          start: '2027-03-01T08:00:00.000Z',
          end: '2027-03-01T08:30:00.000Z',
          serviceId: 'mantelzorgpremie',
          staffId: 'an',
          channel: 'video',
          citizenFirstName: 'Marie',
        },
      ]);
      assert.deepEqual((await an.request('/api/staff/opening-hours?staff=an')).body, before);
    });

    it('when the booked appointment still fits, then the week is replaced and the slots follow', async () => {
      const hours = [...weekdays('08:30', '11:00'), { weekday: 2, startTime: '13:30', endTime: '16:30', channel: 'counter', locationId: 'gemeentehuis' }];
      const response = await an.request('/api/staff/opening-hours/an', { method: 'PUT', body: { hours } });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.length, 6);
      const slots = (await api(server.url, '/api/services/reistoelating/slots?channel=video&from=2027-03-02&days=1')).body.slots;
      assert.ok(slots.some((s: { start: string }) => s.start === '2027-03-02T07:30:00.000Z'), 'An now starts at 08:30');
    });

    it('when the hours are not valid, then 422', async () => {
      const overlap = [...weekdays('09:00', '12:00'), { weekday: 1, startTime: '11:00', endTime: '13:00', channel: 'video', locationId: null }];
      for (const hours of [
        [{ weekday: 8, startTime: '09:00', endTime: '12:00', channel: 'video' }],
        [{ weekday: 1, startTime: '12:00', endTime: '09:00', channel: 'video' }],
        [{ weekday: 1, startTime: '09:00', endTime: '12:00', channel: 'counter', locationId: null }],
        [{ weekday: 1, startTime: '09:00', endTime: '12:00', channel: 'counter', locationId: 'nowhere' }],
        overlap,
      ]) {
        const response = await an.request('/api/staff/opening-hours/an', { method: 'PUT', body: { hours } });
        assert.equal(response.status, 422, JSON.stringify(hours));
      }
    });
  });

  describe('POST and DELETE /api/staff/closures', () => {
    it('when a closure falls on a booked appointment, then 409 lists it; elsewhere it is added and removed', async () => {
      const clash = await an.request('/api/staff/closures', { body: { staffId: 'an', dateFrom: '2027-03-01', dateTo: '2027-03-02', reason: 'Opleiding' } });
      assert.equal(clash.status, 409);
      assert.deepEqual(ids(clash.body), [booked.id]);
      const everyone = await an.request('/api/staff/closures', { body: { dateFrom: '2027-03-01', dateTo: '2027-03-01', reason: 'Staking' } });
      assert.equal(everyone.status, 409, 'a closure for the whole municipality counts every colleague');

      const added = await an.request('/api/staff/closures', { body: { staffId: 'chloe', dateFrom: '2027-03-01', dateTo: '2027-03-01', reason: 'Verlof' } });
      assert.equal(added.status, 201);
      assert.deepEqual({ ...added.body, id: 0 }, { id: 0, staffId: 'chloe', dateFrom: '2027-03-01', dateTo: '2027-03-01', reason: 'Verlof' });
      assert.equal((await an.request(`/api/staff/closures/${added.body.id}`, { method: 'DELETE' })).status, 204);
      assert.equal((await an.request(`/api/staff/closures/${added.body.id}`, { method: 'DELETE' })).status, 404);
    });
  });

  describe('services', () => {
    const newService = {
      id: 'parkeerkaart',
      texts: { nl: { name: 'Parkeerkaart', description: 'Bewonerskaart aanvragen.' }, fr: { name: 'Carte de stationnement', description: '' } },
      durationMin: 15,
      bufferBeforeMin: 0,
      bufferAfterMin: 5,
      noticeMin: 60,
      horizonDays: 14,
      channels: ['video'],
      intake: [{ id: 'nummerplaat', required: true, texts: { nl: { label: 'Nummerplaat' } } }],
      requiredDocuments: [{ id: 'inschrijving', texts: { nl: { label: 'Inschrijvingsbewijs' } } }],
      staffIds: ['bart'],
    };

    it('when a beheerder creates a service, then citizens see it with slots of its staff', async () => {
      const response = await an.request('/api/staff/services', { body: newService });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.deepEqual(response.body.staffIds, ['bart']);
      assert.equal(response.body.active, true);
      assert.equal((await api(server.url, '/api/services/parkeerkaart')).body.texts.nl.name, 'Parkeerkaart');
      assert.ok((await firstSlot(server.url, 'parkeerkaart')).start);
      assert.equal((await an.request('/api/staff/services', { body: newService })).status, 409);
    });

    it('when the service is not valid, then 422 with the fields', async () => {
      const response = await an.request('/api/staff/services', {
        body: { ...newService, id: 'ander', durationMin: 17, channels: [], texts: { fr: { name: 'x', description: '' } } },
      });
      assert.equal(response.status, 422);
      assert.ok(response.body.error.fields.durationMin);
      assert.ok(response.body.error.fields.channels);
      assert.ok(response.body.error.fields['texts.nl']);
    });

    it('when removing a channel, switching off or taking staff away would strand a booked appointment, then 409', async () => {
      const channel = await an.request('/api/staff/services/mantelzorgpremie', { method: 'PATCH', body: { channels: ['counter', 'phone'] } });
      assert.equal(channel.status, 409);
      assert.deepEqual(ids(channel.body), [booked.id]);
      const off = await an.request('/api/staff/services/mantelzorgpremie', { method: 'PATCH', body: { active: false } });
      assert.equal(off.status, 409);
      const staff = await an.request('/api/staff/services/mantelzorgpremie', { method: 'PATCH', body: { staffIds: ['chloe'] } });
      assert.equal(staff.status, 409);
      assert.deepEqual((await api(server.url, '/api/services/mantelzorgpremie')).body.channels, ['video', 'counter', 'phone']);
    });

    it('when nothing is stranded, then the change is saved', async () => {
      const response = await an.request('/api/staff/services/mantelzorgpremie', {
        method: 'PATCH',
        body: { horizonDays: 35, texts: { nl: { name: 'Mantelzorgpremie aanvragen', description: 'Nieuwe tekst.' } } },
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.horizonDays, 35);
      assert.equal((await api(server.url, '/api/services/mantelzorgpremie')).body.texts.nl.name, 'Mantelzorgpremie aanvragen');
    });
  });
});
