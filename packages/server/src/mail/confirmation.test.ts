import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AddressObject, ParsedMail } from 'mailparser';
import { book } from '../../../../test-support/booking.ts';
import { linkToken } from '../../../../test-support/outbox.ts';
import { api, firstSlot, startTestServer, testClock, type TestServer } from '../../../../test-support/server.ts';
import { startSmtpListener } from '../../../../test-support/smtp.ts';
import { signIn, staffEmail } from '../../../../test-support/staff.ts';

const NOW = '2027-03-25T09:00:00Z';
const video = { start: '2027-03-30T07:00:00.000Z', channel: 'video', locationId: null } as const;
const companion = { name: 'Jan Claes', email: 'jan@example.org', role: 'carer' };

const recipient = (mail: ParsedMail) => (mail.to as AddressObject).value.map((a) => a.address).join(',');

/**
 * The VEVENT of an .ics attachment as a property map (with the calendar's METHOD), after unfolding
 * RFC 5545 §3.1 line folds.
 */
function calendarEvent(mail: ParsedMail): Record<string, string> {
  const ics = mail.attachments.find((a) => a.filename === 'afspraak.ics');
  assert.ok(ics, 'an afspraak.ics attachment');
  assert.match(ics.contentType, /^text\/calendar/);
  const lines = ics.content.toString('utf8').replace(/\r?\n[ \t]/g, '').split(/\r?\n/).filter(Boolean);
  assert.equal(lines[0], 'BEGIN:VCALENDAR');
  assert.equal(lines.at(-1), 'END:VCALENDAR');
  const begin = lines.indexOf('BEGIN:VEVENT');
  const end = lines.indexOf('END:VEVENT');
  assert.ok(begin > 0 && end > begin, 'one VEVENT');
  const event: Record<string, string> = { METHOD: lines.slice(0, begin).find((l) => l.startsWith('METHOD:'))?.slice(7) ?? '' };
  for (const line of lines.slice(begin + 1, end)) {
    const [, name, value] = /^([A-Z-]+)(?:;[^:]*)?:(.*)$/.exec(line) ?? [];
    if (name) event[name] = value!.replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, '\n');
  }
  return event;
}

describe('appointment mails over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
  let server: TestServer;
  before(async () => {
    smtp = await startSmtpListener();
    server = await startTestServer({
      clock: testClock(NOW),
      env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://balie.wilsede.test', ALLOWED_ORIGINS: 'https://www.wilsede.be', MAIL_FROM: 'Gemeente Wilsede <balie@wilsede.be>' },
    });
  });
  after(async () => {
    await server.cleanup();
    await smtp.close();
  });

  const mailTo = async (email: string, subject: RegExp) =>
    (await smtp.waitFor((m) => recipient(m) === email && subject.test(m.subject ?? '')))[0]!;

  describe('when a citizen books a video call with a companion', () => {
    let token: string;
    let id: string;
    let confirmation: ParsedMail;
    before(async () => {
      ({ token, id } = await book(server, video, { companion, returnUrl: 'https://www.wilsede.be/afspraak?thema=zorg#boeken' }));
      confirmation = await mailTo('marie@example.org', /bevestigd/);
    });

    it('then the citizen gets a confirmation in Dutch, with the date in Brussels time', () => {
      assert.equal(confirmation.subject, 'Uw afspraak is bevestigd: Mantelzorgpremie');
      assert.equal((confirmation.from as AddressObject).value[0]!.address, 'balie@wilsede.be');
      assert.match(confirmation.text ?? '', /^Beste Marie Claes,/);
      assert.match(confirmation.text ?? '', /op dinsdag 30 maart 2027 om 09:00\./);
      assert.match(confirmation.text ?? '', /videogesprek/);
    });

    it('then the mail carries the personal link on the municipality’s own page', () => {
      const link = `https://www.wilsede.be/afspraak?thema=zorg&balie=${token}`;
      assert.ok(confirmation.text?.includes(link), confirmation.text);
      assert.equal(linkToken(confirmation.text ?? ''), token);
      assert.ok((confirmation.html || '').includes(`href="${link.replace('&', '&amp;')}"`), 'the HTML part links it too');
    });

    it('then the mail carries a device-test link', () => {
      const link = `https://www.wilsede.be/afspraak?thema=zorg&balie=${token}&balie-stap=toestel`;
      assert.ok(confirmation.text?.includes(`Test vooraf uw camera en microfoon:\n${link}`), confirmation.text);
    });

    it('then the .ics parses and starts at the booked UTC time', () => {
      const event = calendarEvent(confirmation);
      assert.equal(event.DTSTART, '20270330T070000Z');
      assert.equal(event.DTEND, '20270330T073000Z');
      assert.equal(event.UID, `${id}@digitale-balie`);
      assert.equal(event.SUMMARY, 'Mantelzorgpremie');
      assert.equal(event.URL, `https://www.wilsede.be/afspraak?thema=zorg&balie=${token}`);
    });

    it('then the companion gets an invitation of their own, with a different link', async () => {
      const invitation = await mailTo('jan@example.org', /uitgenodigd/);
      assert.equal(invitation.subject, 'U bent uitgenodigd voor een afspraak: Mantelzorgpremie');
      assert.match(invitation.text ?? '', /Marie Claes nodigt u uit als mantelzorger voor een afspraak over Mantelzorgpremie op dinsdag 30 maart 2027 om 09:00\./);
      const companionToken = linkToken(invitation.text ?? '');
      assert.notEqual(companionToken, token);
      assert.ok(!invitation.text?.includes(token), 'the citizen’s link is not in the companion’s mail');
      assert.equal(calendarEvent(invitation).DTSTART, '20270330T070000Z');
      const view = await api(server.url, '/api/appointment', { token: companionToken });
      assert.equal(view.body.role, 'companion');
      assert.equal(view.body.id, id);
      assert.equal(smtp.mails.filter((m) => recipient(m) === 'jan@example.org').length, 1, 'one mail, not a copy of the confirmation');
    });
  });

  describe('when the citizen moves the appointment and then cancels it', () => {
    let booked: { id: string; token: string };
    const mails: Record<'confirmation' | 'moved' | 'cancelled' | 'companionMoved' | 'companionCancelled', ParsedMail> = {} as never;
    before(async () => {
      const who = { citizen: { name: 'Lotte', email: 'lotte@example.org' }, companion: { name: 'Wim', email: 'wim@example.org', role: 'family' } };
      booked = await book(server, { ...video, start: '2027-03-30T09:00:00.000Z' }, who);
      mails.confirmation = await mailTo('lotte@example.org', /bevestigd/);
      const moved = await api(server.url, '/api/appointment/reschedule', { token: booked.token, body: { ...video, start: '2027-03-31T09:00:00.000Z' } });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      mails.moved = await mailTo('lotte@example.org', /verplaatst/);
      mails.companionMoved = await mailTo('wim@example.org', /verplaatst/);
      assert.equal((await api(server.url, '/api/appointment', { method: 'DELETE', token: booked.token })).status, 200);
      mails.cancelled = await mailTo('lotte@example.org', /geannuleerd/);
      mails.companionCancelled = await mailTo('wim@example.org', /geannuleerd/);
    });

    it('then the move mail carries an update of the same event: REQUEST, same UID, SEQUENCE raised, the new time', () => {
      const first = calendarEvent(mails.confirmation);
      const update = calendarEvent(mails.moved);
      assert.deepEqual([first.METHOD, first.UID, first.SEQUENCE], ['REQUEST', `${booked.id}@digitale-balie`, '0']);
      assert.deepEqual([update.METHOD, update.UID, update.SEQUENCE, update.STATUS, update.DTSTART], ['REQUEST', first.UID, '1', 'CONFIRMED', '20270331T090000Z']);
      assert.match(mails.moved.text ?? '', /Open de bijlage afspraak\.ics: die zet het nieuwe uur in de plaats van het oude\./);
    });

    it('then the cancellation mail carries a CANCEL of the same event, its SEQUENCE raised again', async () => {
      const cancel = calendarEvent(mails.cancelled);
      const cancelPart = mails.cancelled.attachments.find((a) => a.filename === 'afspraak.ics')!;
      assert.match(cancelPart.contentType, /^text\/calendar$/);
      assert.deepEqual([cancel.METHOD, cancel.UID, cancel.SEQUENCE, cancel.STATUS], ['CANCEL', `${booked.id}@digitale-balie`, '2', 'CANCELLED']);
      assert.match(cancel.ATTENDEE ?? '', /^mailto:lotte@example\.org$/i);
      assert.match(mails.cancelled.text ?? '', /Open de bijlage afspraak\.ics: die haalt ze eruit\./);
      const { calendar_sequence: revision } = await server.app.db.q.selectFrom('appointments').select('calendar_sequence').where('id', '=', booked.id).executeTakeFirstOrThrow();
      assert.equal(revision, 2, 'the stored revision is the one mailed');
    });

    it('then the companion’s calendar gets the same update and cancellation, addressed to them', () => {
      const update = calendarEvent(mails.companionMoved);
      const cancel = calendarEvent(mails.companionCancelled);
      assert.deepEqual([update.METHOD, update.UID, update.SEQUENCE], ['REQUEST', `${booked.id}@digitale-balie`, '1']);
      assert.deepEqual([cancel.METHOD, cancel.UID, cancel.SEQUENCE, cancel.STATUS], ['CANCEL', `${booked.id}@digitale-balie`, '2', 'CANCELLED']);
      assert.match(cancel.ATTENDEE ?? '', /^mailto:wim@example\.org$/i);
    });
  });

  describe('when staff cancel an appointment', () => {
    it('then the citizen’s mail carries a CANCEL of the booked event, with the reason', async () => {
      const { start } = await firstSlot(server.url);
      const { id } = await book(server, { ...video, start }, { citizen: { name: 'Ward', email: 'ward@example.org' } });
      const first = calendarEvent(await mailTo('ward@example.org', /bevestigd/));
      const staff = await signIn(server, staffEmail.an);
      const cancelled = await staff.request(`/api/staff/appointments/${id}/cancel`, { body: { message: 'De medewerker is ziek.' } });
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      const mail = await mailTo('ward@example.org', /geannuleerd/);
      assert.match(mail.text ?? '', /De medewerker is ziek\./);
      const cancel = calendarEvent(mail);
      assert.deepEqual([cancel.METHOD, cancel.UID, cancel.STATUS], ['CANCEL', first.UID, 'CANCELLED']);
      assert.ok(Number(cancel.SEQUENCE) > Number(first.SEQUENCE), `${cancel.SEQUENCE} > ${first.SEQUENCE}`);
    });
  });

  describe('when a citizen books a counter', () => {
    it('then the mail names the counter, has no device test, and the .ics carries the location', async () => {
      // Wednesday 31 March 13:30 at the Sociaal Huis, summer time.
      const { token } = await book(server, { start: '2027-03-31T11:30:00.000Z', channel: 'counter', locationId: 'sociaal-huis' }, { citizen: { name: 'Piet', email: 'piet@example.org' } });
      const mail = await mailTo('piet@example.org', /bevestigd/);
      assert.match(mail.text ?? '', /op woensdag 31 maart 2027 om 13:30\./);
      assert.match(mail.text ?? '', /U komt naar het loket: Sociaal Huis, Kerkstraat 12, 9999 Wilsede\./);
      assert.doesNotMatch(mail.text ?? '', /balie-stap=toestel/);
      assert.equal(linkToken(mail.text ?? ''), token);
      const event = calendarEvent(mail);
      assert.equal(event.DTSTART, '20270331T113000Z');
      assert.equal(event.LOCATION, 'Sociaal Huis, Kerkstraat 12, 9999 Wilsede');
    });
  });

  describe('when the appointment falls after the clocks go back', () => {
    it('then the mail says 09:00 and the .ics says 08:00Z', async (t) => {
      t.after(() => server.clock.set(NOW));
      server.clock.set('2027-10-28T09:00:00Z');
      await book(server, { start: '2027-11-02T08:00:00.000Z', channel: 'video', locationId: null }, { citizen: { name: 'Els', email: 'els@example.org' } });
      const mail = await mailTo('els@example.org', /bevestigd/);
      assert.match(mail.text ?? '', /op dinsdag 2 november 2027 om 09:00\./);
      assert.equal(calendarEvent(mail).DTSTART, '20271102T080000Z');
    });
  });

  describe('when the citizen books in French', () => {
    it('then the mail is in French', async () => {
      await book(server, { ...video, start: '2027-03-30T07:40:00.000Z' }, { lang: 'fr', citizen: { name: 'Sophie', email: 'sophie@example.org' } });
      const mail = await mailTo('sophie@example.org', /confirmé/);
      assert.equal(mail.subject, 'Votre rendez-vous est confirmé : Prime pour aidant proche');
      assert.match(mail.text ?? '', /mardi 30 mars 2027/);
    });
  });

  describe('when the return URL points at a site that is not allowed', () => {
    it('then the link points at the server itself, never at the stranger', async () => {
      const { token } = await book(server, { ...video, start: '2027-03-30T08:20:00.000Z' }, { returnUrl: 'https://wilsede-be.example/login', citizen: { name: 'Tom', email: 'tom@example.org' } });
      const mail = await mailTo('tom@example.org', /bevestigd/);
      assert.ok(mail.text?.includes(`https://balie.wilsede.test/?balie=${token}`), mail.text);
      assert.doesNotMatch(mail.text ?? '', /wilsede-be\.example/);
    });
  });
});
