import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Lang } from '../catalog/types.ts';
import { renderAppointmentMail, type AppointmentMail, type MailKind } from './templates.ts';
import { mailTexts } from './texts.ts';

const langs: Lang[] = ['nl', 'fr', 'en', 'de'];
const kinds: MailKind[] = ['confirmation', 'companionInvite', 'rescheduled', 'cancelled', 'reminder'];

const mail = (lang: Lang, kind: MailKind): AppointmentMail => ({
  kind,
  lang,
  to: 'marie@example.org',
  recipientName: 'Marie Peeters',
  serviceName: 'Pflegeprämie',
  startAt: '2027-03-30T07:00:00.000Z',
  endAt: '2027-03-30T07:30:00.000Z',
  location: null,
  link: 'https://www.wilsede.be/afspraak?balie=abc',
  deviceTestLink: 'https://www.wilsede.be/afspraak?balie=abc&balie-stap=toestel',
  invitedBy: { name: 'Jan Claes', role: 'interpreter' },
  appointmentId: 'a1',
  calendarSequence: 0,
  organizer: 'Gemeente Wilsede <balie@wilsede.be>',
});

/** Every string a mail can hold, with sample arguments for the functions. */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') return [String(value('«1»', '«2»', '«3»', '«4»'))];
  return Object.values(value as object).flatMap(texts);
}

describe('mails in four languages', () => {
  it('when a language is checked against English, then only shared words read the same', () => {
    const english = texts(mailTexts.en);
    for (const lang of ['nl', 'fr', 'de'] as const) {
      const same = texts(mailTexts[lang]).filter((text, i) => text === english[i]);
      assert.deepEqual(same, [], lang);
    }
  });

  for (const lang of langs) {
    it(`when a ${lang} mail is rendered, then subject, body, date and calendar file are all in ${lang}`, () => {
      const t = mailTexts[lang];
      for (const kind of kinds) {
        const message = renderAppointmentMail(mail(lang, kind));
        assert.match(message.html, new RegExp(`<html lang="${lang}">`));
        assert.ok(message.text.startsWith(t.greeting('Marie Peeters')), `${lang} ${kind} greeting`);
        assert.ok(message.text.includes(t.signature), `${lang} ${kind} signature`);
        // Tuesday 30 March 2027, 09:00 in Brussels, in the mail's own language.
        const tuesday = { nl: 'dinsdag', fr: 'mardi', en: 'Tuesday', de: 'Dienstag' }[lang];
        assert.ok(message.subject.includes(tuesday) || message.text.includes(tuesday), `${lang} ${kind} date`);
        assert.ok(message.text.includes('09:00') || message.text.includes('09.00'), `${lang} ${kind} Brussels time`);
        const ics = message.attachments?.[0];
        assert.equal(ics?.filename, t.calendarFile);
        if (kind === 'cancelled') {
          assert.ok(message.text.includes(t.calendarCancelled(t.calendarFile)), `${lang} cancelled: how the calendar file helps`);
          continue;
        }
        if (kind === 'rescheduled') assert.ok(message.text.includes(t.calendarUpdated(t.calendarFile)), `${lang} rescheduled: how the calendar file helps`);
        const description = /DESCRIPTION:(.*)/.exec(String(ics.content).replace(/\r?\n[ \t]/g, ''))?.[1] ?? '';
        assert.ok(description.startsWith(message.subject.replace(/[,;]/g, (c) => `\\${c}`)), `${lang} ${kind} .ics description: ${description}`);
      }
    });
  }
});
