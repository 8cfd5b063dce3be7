import escapeHtml from 'escape-html';
import { createEvent } from 'ics';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import addressparser from 'nodemailer/lib/addressparser';
import type { Lang } from '../catalog/types.ts';
import { ZONE } from '../booking/slots.ts';
import type { MailMessage } from './mailer.ts';
import { mailTexts, type MailTexts } from './texts.ts';

/** `changed`: same time, another channel (a video appointment became a phone call-back). */
export type MailKind = 'confirmation' | 'companionInvite' | 'rescheduled' | 'changed' | 'cancelled' | 'reminder';

export interface AppointmentMail {
  kind: MailKind;
  lang: Lang;
  to: string;
  recipientName: string;
  serviceName: string;
  startAt: string;
  endAt: string;
  /** Empty for a video call; the counter's name and address otherwise. */
  location: string | null;
  /** The number staff call for a phone appointment; null for video and counter. */
  phone?: string | null | undefined;
  /** The personal link; absent for a cancellation. */
  link?: string | undefined;
  deviceTestLink?: string | undefined;
  invitedBy?: { name: string; role: keyof MailTexts['roles'] } | undefined;
  appointmentId: string;
  /** Extra paragraph written by staff (a cancellation reason, next steps). */
  note?: string | undefined;
  /** The appointment's calendar revision: the .ics SEQUENCE, raised by each move and the cancellation. */
  calendarSequence: number;
  /** The mail's From (MAIL_FROM): the calendar event's ORGANIZER. */
  organizer: string;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one: keep one per language.
const whenFormats = new Map<Lang, Intl.DateTimeFormat>();

export function formatWhen(iso: string, lang: Lang): string {
  let format = whenFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(mailTexts[lang].locale, { dateStyle: 'full', timeStyle: 'short', timeZone: ZONE });
    whenFormats.set(lang, format);
  }
  return format.format(new Date(iso));
}

/**
 * Builds one mail: plain text and HTML with the same paragraphs, plus an .ics: the event itself, its
 * update after a move, or its cancellation (iTIP, RFC 5546), all under one UID.
 */
export function renderAppointmentMail(m: AppointmentMail): MailMessage {
  const t = mailTexts[m.lang];
  const when = formatWhen(m.startAt, m.lang);
  const subject =
    m.kind === 'reminder'
      ? t.reminder.subject(m.serviceName, when)
      : m.kind === 'companionInvite'
        ? t.companionInvite.subject(m.serviceName)
        : t[m.kind].subject(m.serviceName);
  const intro =
    m.kind === 'companionInvite' && m.invitedBy
      ? t.companionInvite.intro(m.invitedBy.name, t.roles[m.invitedBy.role], m.serviceName, when)
      : m.kind === 'companionInvite'
        ? t.confirmation.intro(m.serviceName, when)
        : t[m.kind].intro(m.serviceName, when);

  const paragraphs: { text: string; link?: string }[] = [{ text: t.greeting(m.recipientName) }, { text: intro }];
  if (m.note) paragraphs.push({ text: m.note });
  if (m.kind === 'cancelled') {
    paragraphs.push({ text: t.calendarCancelled(t.calendarFile) }, { text: t.bookAgain });
  } else {
    if (m.kind === 'rescheduled' || m.kind === 'changed') paragraphs.push({ text: t.calendarUpdated(t.calendarFile) });
    paragraphs.push({ text: howText(m, when) });
    if (m.link) paragraphs.push({ text: t.openLink, link: m.link });
    if (m.deviceTestLink && !m.location && !m.phone) paragraphs.push({ text: t.deviceTest, link: m.deviceTestLink });
    paragraphs.push({ text: t.manage });
  }
  paragraphs.push({ text: t.signature });

  const text = paragraphs.map((p) => (p.link ? `${p.text}\n${p.link}` : p.text)).join('\n\n');
  const html = `<!doctype html><html lang="${m.lang}"><body style="font-family: sans-serif; line-height: 1.5">${paragraphs
    .map(
      (p) =>
        `<p>${escapeHtml(p.text).replace(/\n/g, '<br>')}${
          p.link ? `<br><a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a>` : ''
        }</p>`,
    )
    .join('')}</body></html>`;

  const method = m.kind === 'cancelled' ? 'CANCEL' : 'REQUEST';
  // iMIP (RFC 6047 §2.4): the Content-Type's method names the iTIP method inside.
  const attachments = [{ filename: t.calendarFile, content: calendarEvent(m, subject, method), contentType: `text/calendar; charset=utf-8; method=${method}` }];
  return { to: m.to, subject, text, html, attachments };
}

/** A name as an iCalendar parameter value: quoted by the library, so it may hold no DQUOTE (RFC 5545 §3.1). */
const paramText = (name: string) => name.replace(/["\r\n]/g, ' ').trim();

/**
 * One VEVENT under the appointment's UID. RFC 5546 §3.2.2 (REQUEST) and §3.2.5 (CANCEL) want an
 * ORGANIZER, the ATTENDEE it is for and a SEQUENCE that a calendar compares with the copy it holds:
 * the same UID with a higher SEQUENCE replaces that copy, a CANCEL removes it. RSVP=FALSE: nobody
 * needs to answer the municipality's no-reply address.
 */
function calendarEvent(m: AppointmentMail, subject: string, method: 'REQUEST' | 'CANCEL'): string {
  const [from] = addressparser(m.organizer, { flatten: true });
  const { error, value } = createEvent({
    method,
    uid: `${m.appointmentId}@digitale-balie`,
    sequence: m.calendarSequence,
    status: method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: { name: paramText(from?.name || from?.address || m.organizer), ...(from?.address ? { email: from.address } : {}) },
    attendees: [{ name: paramText(m.recipientName), email: m.to, rsvp: false, partstat: 'ACCEPTED', role: 'REQ-PARTICIPANT' }],
    title: m.serviceName,
    description: [subject, m.phone && howText(m, formatWhen(m.startAt, m.lang)), m.link].filter(Boolean).join('\n'),
    location: m.location ?? (m.phone ? phoneText(m.phone) : m.link) ?? '',
    start: Date.parse(m.startAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: Date.parse(m.endAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    ...(m.link ? { url: m.link } : {}),
  });
  if (error || !value) throw new Error(`Could not build the calendar file: ${error instanceof Error ? error.message : String(error)}`);
  return value;
}

/** A number as people read it aloud: +32 470 12 34 56. */
const phoneText = (phone: string) => parsePhoneNumberFromString(phone)?.formatInternational() ?? phone;

/** How the appointment takes place: at a counter, by phone ("Een medewerker belt u op … op …"), or by video. */
function howText(m: AppointmentMail, when: string): string {
  const t = mailTexts[m.lang];
  if (m.location) return t.counterChannel(m.location);
  if (m.phone) return t.phoneChannel(phoneText(m.phone), when);
  return t.videoChannel;
}

/**
 * The same message as a short SMS, for a citizen staff booked with only a mobile number (sent
 * through SMS_WEBHOOK_URL): what happened, how it will happen and the personal link.
 */
export function renderAppointmentSms(m: AppointmentMail): string {
  const t = mailTexts[m.lang];
  const when = formatWhen(m.startAt, m.lang);
  if (m.kind === 'cancelled') return `${t.cancelled.intro(m.serviceName, when)} ${t.bookAgain}`;
  const intro = m.kind === 'reminder' || m.kind === 'companionInvite' ? t.confirmation.intro(m.serviceName, when) : t[m.kind].intro(m.serviceName, when);
  return [intro, howText(m, when), ...(m.link ? [t.openLink, m.link] : [])].join(' ');
}
