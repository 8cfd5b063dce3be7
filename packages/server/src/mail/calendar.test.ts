import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ICAL from 'ical.js';
import type { MailMessage } from './mailer.ts';
import { renderAppointmentMail, type AppointmentMail, type MailKind } from './templates.ts';

const booked: AppointmentMail = {
  kind: 'confirmation',
  lang: 'nl',
  to: 'marie@example.org',
  recipientName: 'Marie "Mimi" Claes',
  serviceName: 'Mantelzorgpremie',
  startAt: '2027-03-30T07:00:00.000Z',
  endAt: '2027-03-30T07:30:00.000Z',
  location: null,
  link: 'https://www.wilsede.be/afspraak?balie=abc',
  appointmentId: 'a1',
  calendarSequence: 0,
  organizer: 'Gemeente Wilsede <balie@wilsede.be>',
};

/** The attached calendar as a real iCalendar parser reads it: METHOD, and the one VEVENT's properties. */
function parseCalendar(message: MailMessage) {
  assert.equal(message.attachments?.length, 1, 'one calendar attachment');
  const [ics] = message.attachments!;
  const calendar = new ICAL.Component(ICAL.parse(ics!.content));
  const events = calendar.getAllSubcomponents('vevent');
  assert.equal(events.length, 1, 'one VEVENT');
  const event = events[0]!;
  const attendee = event.getFirstProperty('attendee');
  const organizer = event.getFirstProperty('organizer');
  // A URI's scheme is case-insensitive (RFC 3986 §3.1): the library writes MAILTO for the organizer.
  const address = (value: unknown) => String(value).replace(/^mailto:/i, 'mailto:');
  return {
    contentType: ics!.contentType,
    method: calendar.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    status: event.getFirstPropertyValue('status'),
    start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
    dtstamp: event.getFirstPropertyValue('dtstamp'),
    organizer: { value: address(organizer?.getFirstValue()), cn: organizer?.getParameter('cn') },
    attendee: { value: address(attendee?.getFirstValue()), cn: attendee?.getParameter('cn'), rsvp: attendee?.getParameter('rsvp'), partstat: attendee?.getParameter('partstat') },
  };
}

const render = (kind: MailKind, change: Partial<AppointmentMail> = {}) => parseCalendar(renderAppointmentMail({ ...booked, kind, ...change }));

describe('the .ics of an appointment through its life (RFC 5545, iTIP RFC 5546)', () => {
  const confirmation = render('confirmation');
  // Moved to Wednesday: the store raised the revision with the move.
  const update = render('rescheduled', { startAt: '2027-03-31T12:00:00.000Z', endAt: '2027-03-31T12:30:00.000Z', calendarSequence: 1 });
  // Then cancelled: raised once more.
  const cancel = render('cancelled', { startAt: '2027-03-31T12:00:00.000Z', endAt: '2027-03-31T12:30:00.000Z', calendarSequence: 2, link: undefined });

  it('when booked, then it is a REQUEST at revision 0, confirmed, from the municipality to the citizen', () => {
    assert.equal(confirmation.method, 'REQUEST');
    assert.match(confirmation.contentType, /^text\/calendar; charset=utf-8; method=REQUEST$/);
    assert.equal(confirmation.uid, 'a1@digitale-balie');
    assert.equal(confirmation.sequence, 0);
    assert.equal(confirmation.status, 'CONFIRMED');
    assert.equal(confirmation.start, '2027-03-30T07:00:00.000Z');
    assert.ok(confirmation.dtstamp, 'DTSTAMP is required');
    assert.deepEqual(confirmation.organizer, { value: 'mailto:balie@wilsede.be', cn: 'Gemeente Wilsede' });
    // A double quote cannot stand in a quoted parameter value: it is replaced, the rest of the name stays.
    assert.deepEqual(confirmation.attendee, { value: 'mailto:marie@example.org', cn: 'Marie  Mimi  Claes', rsvp: 'FALSE', partstat: 'ACCEPTED' });
  });

  it('when moved, then it is a REQUEST for the same UID with a higher SEQUENCE and the new time', () => {
    assert.equal(update.method, 'REQUEST');
    assert.equal(update.uid, confirmation.uid);
    assert.ok(update.sequence > confirmation.sequence, `${update.sequence} > ${confirmation.sequence}`);
    assert.equal(update.status, 'CONFIRMED');
    assert.equal(update.start, '2027-03-31T12:00:00.000Z');
    assert.deepEqual(update.organizer, confirmation.organizer);
  });

  it('when cancelled, then it is a CANCEL for the same UID, higher again, with STATUS:CANCELLED', () => {
    assert.equal(cancel.method, 'CANCEL');
    assert.match(cancel.contentType, /method=CANCEL$/);
    assert.equal(cancel.uid, confirmation.uid);
    assert.ok(cancel.sequence > update.sequence, `${cancel.sequence} > ${update.sequence}`);
    assert.equal(cancel.status, 'CANCELLED');
    assert.deepEqual(cancel.organizer, confirmation.organizer);
    assert.equal(cancel.attendee.value, 'mailto:marie@example.org');
  });

  it('when MAIL_FROM is a bare address, then the organizer is that address', () => {
    assert.deepEqual(render('confirmation', { organizer: 'noreply@balie.invalid' }).organizer, { value: 'mailto:noreply@balie.invalid', cn: 'noreply@balie.invalid' });
  });

  it('when a reminder or an invitation goes out, then it repeats the current revision as a REQUEST', () => {
    for (const kind of ['reminder', 'companionInvite'] as const) {
      const event = render(kind, { calendarSequence: 3 });
      assert.deepEqual([event.method, event.uid, event.sequence, event.status], ['REQUEST', 'a1@digitale-balie', 3, 'CONFIRMED'], kind);
    }
  });
});
