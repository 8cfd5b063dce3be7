import type { Config } from '../config.ts';
import type { CatalogStore } from '../catalog/store.ts';
import { localize, type Channel, type Lang, type Service } from '../catalog/types.ts';
import type { EventBus } from '../events.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { Mailer } from '../mail/mailer.ts';
import { mailOutbox, type QueuedMail } from '../mail/outbox.ts';
import { formatWhen, renderAppointmentMail, renderAppointmentSms, type AppointmentMail, type MailKind } from '../mail/templates.ts';
import { mailTexts } from '../mail/texts.ts';
import type { SmsSender } from '../mail/sms.ts';
import type { BookingInput, StaffBookingInput } from '@digitale-balie/contract';
import { offerCache } from './offer-cache.ts';
import { slotCache } from './slot-cache.ts';
import { addDays, computeSlots, listingRange, localDateOf, localMidnight, UNIT_MIN, unitsFor, weekdayOf, type Slot } from './slots.ts';
import { isConflict, type Appointment, type BookingStore, type Companion, type DueReminder, type Reminder } from './store.ts';
import { deriveToken, hashToken, newId, newNonce } from './tokens.ts';

export interface BookingDeps {
  config: Config;
  catalog: CatalogStore;
  store: BookingStore;
  mailer: Mailer;
  sms: SmsSender;
  events: EventBus;
  log: (message: string, error?: unknown) => void;
}

/** Who holds a personal link: the citizen who booked, or a companion they invited. */
export type LinkHolder =
  | { role: 'citizen'; appointment: Appointment }
  | { role: 'companion'; appointment: Appointment; companion: Companion };

export type SlotChoice = { start: string; channel: Channel; locationId?: string | null | undefined };
type Recipient = { name: string; email: string; token?: string };
type MailExtra = { invitedBy?: Companion['role']; note?: string | undefined };
/** Whose personal link a queued mail carries: derived again from the nonce when it is sent. */
type LinkOf = { citizen: true } | { companionId: string; nonce: string };
/** An outbox row: the recipient and the appointment's time and place as they were when it was queued. */
type MailPayload = {
  /** `phone` instead of `email` for a citizen staff booked without e-mail: the message goes by SMS. */
  to: { name: string; email: string; phone?: string; link?: LinkOf };
  at: Pick<Appointment, 'startAt' | 'endAt' | 'locationId'> & Partial<Pick<Appointment, 'calendarSequence'>>;
  extra: MailExtra;
  /** The mail's own idempotency key where it has one (a reminder's); else the outbox row's id names it. */
  key?: string;
};

const MAX_COMPANIONS = 2;
/**
 * Invitation mails per appointment over its whole life, the one at booking included: adding and
 * removing a companion again and again sent the municipality's mail to any address (issue 10).
 */
export const MAX_INVITATIONS = 5;
/**
 * A reminder whose mails could not be queued this often is given up (each tick retries it until
 * then). Once queued, sending them is the mail outbox's, with its own retries (MAIL_ATTEMPTS).
 */
const REMINDER_ATTEMPTS = 5;
/** A slot taken under the citizen's nose: offer this many others, from the first days that have them. */
const ALTERNATIVES = 3;
const ALTERNATIVE_DAYS = 14;

export function bookingService(deps: BookingDeps) {
  const { config, catalog, store, events } = deps;
  let reminding: Promise<void> | undefined;
  const listings = slotCache<ReturnType<typeof publicSlot>>({ version: store.dataVersion, now: config.now });
  const offer = offerCache(catalog, store.catalogVersion, () => store.db.inTransaction, store.exactDataVersion);

  const requireService = async (id: string): Promise<Service> => {
    const service = await offer.getService(id);
    if (!service || !service.active) throw notFound('This service');
    return service;
  };

  type SlotsWanted = { channel?: Channel | undefined; locationId?: string | undefined; from?: string | undefined; days: number };

  /**
   * Reads only what the listing needs: claims of the listed days (a day either side for buffers), or
   * for one slot (`at`, when booking) its weekday's hours and the units it would claim. Reading every
   * claim up to the horizon made each booking slower than the last.
   */
  async function slotsFor(service: Service, q: SlotsWanted & { at?: number }) {
    const now = config.now();
    const days = listingRange(service, now, q.from, q.days);
    const units = q.at !== undefined && unitsFor(q.at, service);
    const [from, to] = units
      ? [units[0]!, new Date(Date.parse(units.at(-1)!) + UNIT_MIN * 60_000).toISOString()]
      : [new Date(localMidnight(addDays(days.from, -1))).toISOString(), new Date(localMidnight(addDays(days.to, 1))).toISOString()];
    const [staffIds, hours, closures, claimed] = await Promise.all([
      offer.staffIdsForService(service.id),
      offer.listOpeningHours(q.at === undefined ? undefined : weekdayOf(localDateOf(q.at))),
      offer.listClosures(),
      store.claimsBetween(from, to),
    ]);
    return computeSlots({
      service,
      channel: q.channel,
      locationId: q.locationId,
      staffIds,
      hours,
      closures,
      claimed,
      now,
      fromDate: q.from,
      days: q.days,
      at: q.at,
    });
  }

  /** Finds the offered slot matching a choice, or explains why it is not offered. */
  async function offeredSlot(service: Service, choice: SlotChoice): Promise<Slot | undefined> {
    const at = Date.parse(choice.start);
    const start = new Date(at).toISOString();
    const slots = await slotsFor(service, { channel: choice.channel, locationId: choice.locationId ?? undefined, from: localDateOf(at), days: 1, at });
    return slots.find(
      (s) => s.start === start && (s.locationId ?? null) === (choice.locationId ?? null),
    );
  }

  /**
   * The first few free slots from today, a day at a time: in a rush for one popular time every loser
   * gets this answer, so it must not cost a fortnight's listing each.
   */
  async function alternatives(service: Service, choice: SlotChoice) {
    const found: Slot[] = [];
    let date = listingRange(service, config.now(), undefined, 1).from;
    for (let day = 0; day < ALTERNATIVE_DAYS && found.length < ALTERNATIVES; day++, date = addDays(date, 1)) {
      found.push(...(await slotsFor(service, { channel: choice.channel, locationId: choice.locationId ?? undefined, from: date, days: 1 })));
    }
    return found.slice(0, ALTERNATIVES).map(publicSlot);
  }

  const slotTaken = async (service: Service, choice: SlotChoice) =>
    new HttpError(409, 'slot_taken', 'This time is no longer free. Please choose another time.', { alternatives: await alternatives(service, choice) });

  const link = (a: Appointment, token: string, step?: string) => {
    const url = new URL(a.returnUrl);
    url.searchParams.set('balie', token);
    if (step) url.searchParams.set('balie-stap', step);
    return url.toString();
  };

  /**
   * Sends a queued mail. Its personal link comes from the nonce as it is now, so a link revoked in
   * the meantime is not sent; the time and place are those the mail was queued with.
   */
  async function sendQueued(queued: QueuedMail<MailPayload>) {
    const a = await store.get(queued.appointmentId);
    if (!a) return; // removed after its retention period: nothing left to tell
    const { to, at, extra, key } = queued.payload;
    // A reminder still in the outbox when the appointment was cancelled or moved tells of a time
    // that is no longer; a moved appointment has reminders of its own.
    if (queued.kind === 'reminder' && (a.status !== 'booked' || a.startAt !== at.startAt)) return;
    const token = !to.link
      ? undefined
      : 'citizen' in to.link
        ? citizenToken(a)
        : deriveToken(config.tokenSecret, 'companion', to.link.companionId, to.link.nonce);
    if (!to.email && to.phone) {
      const sms = await mailOf(queued.kind as MailKind, { ...a, ...at }, { name: to.name, email: '', token }, extra);
      // A reminder by SMS is its subject line: what and when.
      const text = sms.kind === 'reminder' ? mailTexts[sms.lang].reminder.subject(sms.serviceName, formatWhen(sms.startAt, sms.lang)) : renderAppointmentSms(sms);
      await deps.sms.send(to.phone, text);
      return;
    }
    await deps.mailer.send({
      ...(await appointmentMail(queued.kind as MailKind, { ...a, ...at }, { name: to.name, email: to.email, token }, extra)),
      // Not the appointment id: the key shows in the outbox folder's file names, which the demo mailbox lists.
      idempotencyKey: key ?? `mail-${queued.id}`,
      appointmentId: a.id,
    });
  }

  const outbox = mailOutbox<MailPayload>(store.db, { now: config.now, send: sendQueued, log: deps.log });
  // Mails queued before a crash or a restart go out with the first reminder tick, which the app runs
  // as it starts (after the migrations: a new database has no outbox before them).

  /**
   * Queues a mail in the outbox; call it inside the transaction that makes the change (see
   * `changeAndMail`). A slow mail server then never holds up the citizen's answer, a crash never
   * loses the mail, and a mail that cannot be built never turns a stored booking into a 500.
   */
  async function mail(kind: MailKind, a: Appointment, to: MailPayload['to'], extra: MailExtra = {}, key?: string) {
    // The calendar revision too: a later move must not turn this mail's .ics into a newer one.
    const at = { startAt: a.startAt, endAt: a.endAt, locationId: a.locationId, calendarSequence: a.calendarSequence };
    await outbox.enqueue(a.id, kind, { to, at, extra, ...(key ? { key } : {}) });
  }

  /** Runs a change and queues its mails in one transaction, then wakes the outbox. */
  async function changeAndMail<T>(change: () => Promise<T>): Promise<T> {
    const result = await store.transaction(change);
    // Inside a caller's transaction (the device fallback's), only once that one has committed.
    store.db.afterCommit(() => void outbox.kick());
    return result;
  }

  const citizenRecipient = (a: Appointment, withLink = true): MailPayload['to'] => ({
    name: a.citizenName,
    email: a.citizenEmail,
    ...(!a.citizenEmail && a.citizenPhone ? { phone: a.citizenPhone } : {}),
    ...(withLink ? { link: { citizen: true } as const } : {}),
  });
  const companionRecipient = (c: Companion, withLink = true): MailPayload['to'] => ({
    name: c.name,
    email: c.email,
    ...(withLink ? { link: { companionId: c.id, nonce: c.tokenNonce } } : {}),
  });

  /** What a mail or SMS about the appointment says, in the appointment's language. */
  async function mailOf(kind: MailKind, a: Appointment, recipient: Recipient, extra: MailExtra): Promise<AppointmentMail> {
    const service = await requireService(a.serviceId);
    const location = a.locationId ? (await offer.listLocations()).find((l) => l.id === a.locationId) : undefined;
    return {
      kind,
      lang: a.lang,
      to: recipient.email,
      recipientName: recipient.name,
      serviceName: localize(service.texts, a.lang).name,
      startAt: a.startAt,
      endAt: a.endAt,
      location: location ? `${location.name}, ${location.address}` : null,
      phone: a.channel === 'phone' ? a.citizenPhone : null,
      link: recipient.token ? link(a, recipient.token) : undefined,
      deviceTestLink: recipient.token ? link(a, recipient.token, 'toestel') : undefined,
      invitedBy: extra.invitedBy ? { name: a.citizenName, role: extra.invitedBy } : undefined,
      note: extra.note,
      appointmentId: a.id,
      calendarSequence: a.calendarSequence,
      organizer: config.mailFrom,
    };
  }
  const appointmentMail = async (...args: Parameters<typeof mailOf>) => renderAppointmentMail(await mailOf(...args));

  const citizenToken = (a: Appointment) => deriveToken(config.tokenSecret, 'citizen', a.id, a.tokenNonce);

  /** The reminders of an appointment starting at `startAt` that are still ahead. */
  function remindersFor(startAt: string): DueReminder[] {
    const now = config.now().getTime();
    return config.reminderOffsetsMinutes
      .map((offsetMin) => ({ offsetMin, dueAt: new Date(Date.parse(startAt) - offsetMin * 60_000).toISOString() }))
      .filter((r) => Date.parse(r.dueAt) > now);
  }

  /** Adds a companion whose invitation the caller mails; call it inside that mail's transaction. */
  async function newCompanion(appointmentId: string, input: { name: string; email: string; role: Companion['role'] }): Promise<Companion> {
    if (!(await store.countInvitation(appointmentId, MAX_INVITATIONS))) {
      throw new HttpError(409, 'too_many_invitations', `At most ${MAX_INVITATIONS} invitations can be sent for one appointment. Please contact the municipality.`);
    }
    const id = newId();
    const tokenNonce = newNonce();
    const companion = {
      id,
      appointmentId,
      ...input,
      tokenNonce,
      tokenHash: hashToken(deriveToken(config.tokenSecret, 'companion', id, tokenNonce)),
      createdAt: config.now().toISOString(),
      removedAt: null,
    };
    await store.addCompanion(companion);
    return companion;
  }

  function safeReturnUrl(requested: string | undefined): string {
    const fallback = `${config.publicUrl}/`;
    if (!requested) return fallback;
    const origin = new URL(requested).origin;
    const allowed = origin === new URL(config.publicUrl).origin || config.allowedOrigins.includes(origin);
    // A link to any other site would let a stranger send phishing mail in the municipality's name.
    if (!allowed) return fallback;
    const url = new URL(requested);
    url.searchParams.delete('balie');
    url.searchParams.delete('balie-stap');
    url.hash = '';
    return url.toString();
  }

  /**
   * One client could book a whole day empty with made-up bookings (issue 10); the rate limit per
   * address slows that down, this cap makes each e-mail address count. In the booking's transaction,
   * so two bookings at once cannot both take the last place.
   */
  async function requireRoomForBooking(email: string) {
    const max = config.maxActiveBookingsPerEmail;
    if (max <= 0) return;
    await store.lockEmail(email);
    if ((await store.countBookedAhead(email, config.now().toISOString())) >= max) {
      throw new HttpError(
        409,
        'too_many_bookings',
        `This e-mail address already has ${max} appointments to come. Cancel one with the link from its mail, or contact the municipality.`,
        { max },
      );
    }
  }

  function requireChannel(service: Service, channel: Channel) {
    if (!service.channels.includes(channel)) {
      throw new HttpError(422, 'channel_not_offered', 'This service is not offered through this channel.', {
        fields: { channel: 'not offered for this service' },
      });
    }
  }

  /** Staff cannot call back without a number. */
  function requirePhoneFor(channel: Channel, phone: string | null | undefined, field = 'citizen.phone') {
    if (channel === 'phone' && !phone) {
      throw new HttpError(422, 'validation_failed', 'A phone appointment needs the phone number to call.', {
        fields: { [field]: 'a phone appointment needs a phone number' },
      });
    }
  }

  type CitizenFields = Pick<
    Appointment,
    'citizenName' | 'citizenEmail' | 'citizenPhone' | 'lang' | 'intake' | 'metadata' | 'returnUrl' | 'consentAt' | 'bookedBy'
  >;

  /**
   * Writes an appointment at an offered slot with the first staff member still free (`preferStaffId`
   * first when it is one of them). The claim's primary key decides who wins a race; undefined when
   * every candidate lost. Each attempt runs in a savepoint (see `store.create`), so a lost one leaves
   * the surrounding transaction usable on PostgreSQL too.
   */
  async function claimSlot(service: Service, slot: Slot, citizen: CitizenFields, preferStaffId?: string) {
    const id = newId();
    const tokenNonce = newNonce();
    const token = deriveToken(config.tokenSecret, 'citizen', id, tokenNonce);
    const base = {
      ...citizen,
      id,
      serviceId: service.id,
      channel: slot.channel,
      locationId: slot.locationId,
      startAt: slot.start,
      endAt: slot.end,
      tokenNonce,
      tokenHash: hashToken(token),
      createdAt: config.now().toISOString(),
    };
    const units = unitsFor(Date.parse(slot.start), service);
    const candidates =
      preferStaffId && slot.staffIds.includes(preferStaffId)
        ? [preferStaffId, ...slot.staffIds.filter((s) => s !== preferStaffId)]
        : slot.staffIds;
    let staffId: string | undefined;
    for (const candidate of candidates) {
      try {
        await store.create({ ...base, staffId: candidate }, units, remindersFor(slot.start));
        staffId = candidate;
        break;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    // What was just written, without reading it back.
    return staffId
      ? { appointment: { ...base, staffId, status: 'booked' as const, cancelledAt: null, cancelledBy: null, calendarSequence: 0 }, token }
      : undefined;
  }

  /**
   * Claims a due reminder and queues its mails in one transaction. The claim is a conditional
   * update: of several instances that tick at once, one marks it sent and queues, the others find
   * it taken and do nothing; the outbox then sends each mail once. Queuing that fails (the
   * transaction rolls back) counts an attempt, and a later tick tries again.
   */
  async function queueReminder(reminder: Reminder) {
    try {
      await store.transaction(async () => {
        if (!(await store.claimReminder(reminder.id, config.now().toISOString()))) return;
        const a = await store.get(reminder.appointmentId);
        if (a?.status !== 'booked') return;
        // The keys name the appointment (retention finds the outbox files by it), the reminder and the recipient.
        const key = (who: string) => `reminder-${a.id}-${reminder.offsetMin}-${Date.parse(reminder.dueAt)}-${who}`;
        // Booked by staff with only a mobile number: the SMS below is the reminder.
        if (a.citizenEmail) await mail('reminder', a, { name: a.citizenName, email: a.citizenEmail, link: { citizen: true } }, {}, key('citizen'));
        for (const c of await store.listCompanions(a.id)) await mail('reminder', a, companionRecipient(c), {}, key(c.id));
        if (a.citizenPhone) await mail('reminder', a, { name: a.citizenName, email: '', phone: a.citizenPhone });
      });
    } catch (error) {
      deps.log(`reminder for appointment ${reminder.appointmentId} could not be queued`, error);
      await store.reminderFailed(reminder.id);
    }
  }

  return {
    listServices: async () => (await catalog.listServices()).filter((s) => s.active),
    requireService,
    listLocations: () => catalog.listLocations(),

    async listSlots(serviceId: string, q: { channel?: Channel | undefined; location?: string | undefined; from?: string | undefined; days: number }) {
      const service = await requireService(serviceId);
      const key = [service.id, q.channel, q.location, q.from, q.days].join('|');
      return listings.get(key, service.noticeMin, async () =>
        (await slotsFor(service, { channel: q.channel, locationId: q.location, from: q.from, days: q.days })).map(publicSlot),
      );
    },

    /** Books an offered slot; with what was written, for its answer (see `view`) without reading it back. */
    async book(input: BookingInput): Promise<{ appointment: Appointment; token: string; service: Service; companions: Companion[] }> {
      const service = await requireService(input.serviceId);
      requireChannel(service, input.channel);
      requirePhoneFor(input.channel, input.citizen.phone);
      const missing = service.intake.filter((q) => q.required && !input.intake[q.id]?.trim());
      const unknown = Object.keys(input.intake).filter((key) => !service.intake.some((q) => q.id === key));
      if (missing.length || unknown.length) {
        throw new HttpError(422, 'validation_failed', 'Some fields are missing or not valid.', {
          fields: Object.fromEntries([
            ...missing.map((q) => [`intake.${q.id}`, 'please answer this question']),
            ...unknown.map((key) => [`intake.${key}`, 'unknown question']),
          ]),
        });
      }
      const slot = await offeredSlot(service, input);
      if (!slot) throw await slotTaken(service, input);

      // The appointment, its claims, reminders, companion and mails: one commit, all or nothing.
      const claimed = await changeAndMail(async () => {
        await requireRoomForBooking(input.citizen.email);
        const booked = await claimSlot(service, slot, {
          citizenName: input.citizen.name,
          citizenEmail: input.citizen.email,
          citizenPhone: input.citizen.phone || null,
          lang: input.lang,
          intake: input.intake,
          metadata: input.metadata ?? {},
          returnUrl: safeReturnUrl(input.returnUrl),
          consentAt: config.now().toISOString(),
          bookedBy: null,
        });
        if (!booked) return undefined;
        if (input.prefersText) await store.preferText(booked.appointment.id);
        await mail('confirmation', booked.appointment, citizenRecipient(booked.appointment));
        const companions: Companion[] = [];
        if (input.companion) {
          const companion = await newCompanion(booked.appointment.id, input.companion);
          await mail('companionInvite', booked.appointment, companionRecipient(companion), { invitedBy: companion.role });
          companions.push(companion);
        }
        return { ...booked, companions };
      });
      if (!claimed) throw await slotTaken(service, input);
      const { appointment, token, companions } = claimed;
      const { id, staffId } = appointment;
      events.emit('appointment.booked', { appointmentId: id, staffId, startAt: slot.start });
      return { appointment, token, service, companions };
    },

    /** Resolves a personal link; a cancelled or long-past appointment no longer opens. */
    async resolveToken(token: string | undefined): Promise<LinkHolder> {
      if (!token || token.length > 100) throw new HttpError(401, 'invalid_link', 'This link is not valid. Please use the link from your e-mail.');
      const hash = hashToken(token);
      let holder: LinkHolder | undefined;
      const appointment = await store.findByTokenHash(hash);
      if (appointment) holder = { role: 'citizen', appointment };
      else {
        const companion = await store.findCompanionByTokenHash(hash);
        const ofCompanion = companion && (await store.get(companion.appointmentId));
        if (companion && ofCompanion) holder = { role: 'companion', appointment: ofCompanion, companion };
      }
      if (!holder) throw new HttpError(401, 'invalid_link', 'This link is not valid. Please use the link from your e-mail.');
      if (holder.appointment.status === 'cancelled') throw new HttpError(410, 'appointment_cancelled', 'This appointment was cancelled.');
      const expires = Date.parse(holder.appointment.endAt) + config.retentionDays * 86_400_000;
      if (config.now().getTime() > expires) throw new HttpError(410, 'link_expired', 'This link has expired.');
      return holder;
    },

    /**
     * What the holder of a link sees of the appointment. `known` is what the caller has at hand
     * already (a booking just made knows its service and companions), so it is not read again.
     */
    async view(holder: LinkHolder, known: { service?: Service; companions?: Companion[] } = {}) {
      const a = holder.appointment;
      const service = known.service ?? (await requireService(a.serviceId));
      return {
        id: a.id,
        role: holder.role,
        status: a.status,
        serviceId: a.serviceId,
        service: { id: service.id, texts: service.texts, durationMin: service.durationMin, requiredDocuments: service.requiredDocuments },
        channel: a.channel,
        location: (await offer.listLocations()).find((l) => l.id === a.locationId) ?? null,
        start: a.startAt,
        end: a.endAt,
        lang: a.lang,
        citizenName: a.citizenName,
        companions: (known.companions ?? (await store.listCompanions(a.id))).map((c) => ({ id: c.id, name: c.name, role: c.role })),
      };
    },

    /**
     * The follow-up staff planned from this appointment, for the citizen's end-of-call screen: when,
     * how and what, never its link (that goes by mail). Companions are not shown the citizen's next visit.
     */
    async followUpFor(holder: LinkHolder) {
      if (holder.role !== 'citizen') return null;
      const next = await store.nextFollowUp(holder.appointment.id);
      if (!next) return null;
      const service = await requireService(next.serviceId);
      return {
        start: next.startAt,
        end: next.endAt,
        channel: next.channel,
        service: { id: service.id, texts: service.texts },
        location: (await offer.listLocations()).find((l) => l.id === next.locationId) ?? null,
      };
    },

    async cancel(holder: LinkHolder) {
      requireCitizen(holder);
      const a = holder.appointment;
      if (Date.parse(a.startAt) <= config.now().getTime()) {
        throw new HttpError(409, 'appointment_started', 'This appointment has already started and can no longer be cancelled online.');
      }
      const cancelled = await changeAndMail(async () => {
        if (!(await store.cancel(a.id, config.now().toISOString(), 'citizen'))) return false;
        // As cancelled, with its raised calendar revision: the .ics then takes the event out of calendars.
        const now = (await store.get(a.id))!;
        await mail('cancelled', now, citizenRecipient(now, false));
        for (const c of await store.listCompanions(a.id)) await mail('cancelled', now, companionRecipient(c, false));
        return true;
      });
      if (!cancelled) throw new HttpError(410, 'appointment_cancelled', 'This appointment was cancelled.');
      events.emit('appointment.cancelled', { appointmentId: a.id, staffId: a.staffId, by: 'citizen' });
    },

    /** Staff cancel a booked appointment; the citizen and companions get the mail with the message. */
    async cancelByStaff(id: string, staffId: string, message: string): Promise<Appointment> {
      const a = await store.get(id);
      if (!a) throw notFound('This appointment');
      if (a.status !== 'booked') throw new HttpError(409, 'not_booked', 'Only a booked appointment can be cancelled.');
      if (Date.parse(a.endAt) <= config.now().getTime()) {
        throw new HttpError(409, 'appointment_over', 'This appointment is over: mark it as held or as a no-show instead.');
      }
      const cancelled = await changeAndMail(async () => {
        if (!(await store.cancel(a.id, config.now().toISOString(), `staff:${staffId}`))) return false;
        const now = (await store.get(a.id))!;
        await mail('cancelled', now, citizenRecipient(now, false), { note: message });
        for (const c of await store.listCompanions(a.id)) await mail('cancelled', now, companionRecipient(c, false), { note: message });
        return true;
      });
      if (!cancelled) throw new HttpError(409, 'not_booked', 'Only a booked appointment can be cancelled.');
      events.emit('appointment.cancelled', { appointmentId: a.id, staffId: a.staffId, by: 'staff' });
      return (await store.get(a.id))!;
    },

    /**
     * Books a follow-up for the citizen of `original` at an offered slot, with the same staff member
     * when they are free; the citizen gets a confirmation with their new personal link and the note.
     */
    async planFollowUp(original: Appointment, choice: SlotChoice & { serviceId: string }, by: { staffId: string; note?: string | undefined }) {
      const service = await requireService(choice.serviceId);
      requireChannel(service, choice.channel);
      requirePhoneFor(choice.channel, original.citizenPhone, 'channel');
      const slot = await offeredSlot(service, choice);
      if (!slot) throw await slotTaken(service, choice);
      const claimed = await changeAndMail(async () => {
        const booked = await claimSlot(
          service,
          slot,
          {
            citizenName: original.citizenName,
            citizenEmail: original.citizenEmail,
            citizenPhone: original.citizenPhone,
            lang: original.lang,
            intake: service.id === original.serviceId ? original.intake : {},
            // The same case: a follow-up keeps the host page's case number or payment reference.
            metadata: original.metadata,
            returnUrl: original.returnUrl,
            consentAt: original.consentAt,
            bookedBy: by.staffId,
          },
          by.staffId,
        );
        if (booked && (await store.prefersText(original.id))) await store.preferText(booked.appointment.id);
        if (booked) await mail('confirmation', booked.appointment, citizenRecipient(booked.appointment), { note: by.note });
        return booked;
      });
      if (!claimed) throw await slotTaken(service, choice);
      const { appointment } = claimed;
      events.emit('appointment.booked', { appointmentId: appointment.id, staffId: appointment.staffId, startAt: appointment.startAt });
      return appointment;
    },

    /**
     * Staff book for a citizen who asked by phone or at the desk (issue 11): the same offered slots
     * and claims as a citizen's booking, with the booking staff member first when they are free. Not
     * subject to the per-e-mail cap (a civil servant's judgement, behind the staff session). The
     * citizen gets the confirmation with the personal link by mail, or by SMS when staff only have
     * a mobile number.
     */
    async bookForCitizen(staffId: string, input: StaffBookingInput): Promise<Appointment> {
      const service = await requireService(input.serviceId);
      requireChannel(service, input.channel);
      requirePhoneFor(input.channel, input.citizen.phone);
      const slot = await offeredSlot(service, input);
      if (!slot) throw await slotTaken(service, input);
      const claimed = await changeAndMail(async () => {
        const booked = await claimSlot(
          service,
          slot,
          {
            citizenName: input.citizen.name,
            citizenEmail: input.citizen.email ?? '',
            citizenPhone: input.citizen.phone ?? null,
            lang: input.lang,
            intake: {},
            metadata: {},
            returnUrl: safeReturnUrl(undefined),
            // The citizen asked the municipality for this appointment; staff record it for them.
            consentAt: config.now().toISOString(),
            bookedBy: staffId,
          },
          staffId,
        );
        if (booked) await mail('confirmation', booked.appointment, citizenRecipient(booked.appointment));
        return booked;
      });
      if (!claimed) throw await slotTaken(service, input);
      const { appointment } = claimed;
      events.emit('appointment.booked', { appointmentId: appointment.id, staffId: appointment.staffId, startAt: appointment.startAt });
      return appointment;
    },

    /**
     * A booked video appointment becomes a phone call-back at the same time with the same staff
     * member (phone uses the video hours, so its claims stay): the way forward after a failed
     * device test. `phone` is a validated number (see `phoneNumber` in schemas.ts). The citizen and
     * companions get a mail (or SMS) saying how it will happen now.
     */
    async switchToPhone(appointmentId: string, phone: string): Promise<Appointment> {
      const a = await store.get(appointmentId);
      if (!a) throw notFound('This appointment');
      requireChannel(await requireService(a.serviceId), 'phone');
      if (a.status !== 'booked' || Date.parse(a.startAt) <= config.now().getTime()) {
        throw new HttpError(409, 'appointment_started', 'This appointment has already started and can no longer be changed.');
      }
      if (a.channel !== 'video') throw new HttpError(409, 'not_video', 'Only a video appointment can become a phone call at the same time.');
      const updated = await changeAndMail(async () => {
        if (!(await store.switchVideoToPhone(a.id, phone))) return undefined;
        const now = (await store.get(a.id))!;
        await mail('changed', now, citizenRecipient(now));
        for (const c of await store.listCompanions(a.id)) await mail('changed', now, companionRecipient(c, false));
        return now;
      });
      if (!updated) throw new HttpError(409, 'not_video', 'Only a video appointment can become a phone call at the same time.');
      events.emit('appointment.channel-changed', { appointmentId: a.id, staffId: a.staffId, channel: 'phone' });
      return updated;
    },

    async reschedule(holder: LinkHolder, choice: SlotChoice): Promise<Appointment> {
      requireCitizen(holder);
      const a = holder.appointment;
      // Like cancelling: moving an appointment that took place would rewrite its history.
      if (a.status !== 'booked' || Date.parse(a.startAt) <= config.now().getTime()) {
        throw new HttpError(409, 'appointment_started', 'This appointment has already started and can no longer be moved online.');
      }
      const service = await requireService(a.serviceId);
      requirePhoneFor(choice.channel, a.citizenPhone, 'channel');
      const slot = await offeredSlot(service, choice);
      if (!slot) throw await slotTaken(service, choice);
      const units = unitsFor(Date.parse(slot.start), service);
      const updated = await changeAndMail(async () => {
        let moved = false;
        // Each attempt in a savepoint (see `store.move`): a conflict leaves the transaction usable.
        for (const staffId of slot.staffIds) {
          try {
            await store.move(a.id, { startAt: slot.start, endAt: slot.end, staffId, channel: slot.channel, locationId: slot.locationId }, units, remindersFor(slot.start));
            moved = true;
            break;
          } catch (error) {
            if (!isConflict(error)) throw error;
          }
        }
        if (!moved) return undefined;
        const now = (await store.get(a.id))!;
        await mail('rescheduled', now, citizenRecipient(now));
        for (const c of await store.listCompanions(a.id)) await mail('rescheduled', now, companionRecipient(c));
        return now;
      });
      if (!updated) throw await slotTaken(service, choice);
      events.emit('appointment.rescheduled', { appointmentId: a.id, staffId: updated.staffId, startAt: updated.startAt });
      return updated;
    },

    async addCompanion(holder: LinkHolder, input: { name: string; email: string; role: Companion['role'] }) {
      requireCitizen(holder);
      const a = holder.appointment;
      if ((await store.listCompanions(a.id)).length >= MAX_COMPANIONS) {
        throw new HttpError(409, 'too_many_companions', `At most ${MAX_COMPANIONS} companions can join an appointment.`);
      }
      const companion = await changeAndMail(async () => {
        const added = await newCompanion(a.id, input);
        await mail('companionInvite', a, companionRecipient(added), { invitedBy: added.role });
        return added;
      });
      events.emit('appointment.companions-changed', { appointmentId: a.id, staffId: a.staffId });
      return { id: companion.id, name: companion.name, role: companion.role };
    },

    async removeCompanion(holder: LinkHolder, companionId: string) {
      requireCitizen(holder);
      if (!(await store.removeCompanion(holder.appointment.id, companionId, config.now().toISOString()))) throw notFound('This companion');
      events.emit('appointment.companions-changed', { appointmentId: holder.appointment.id, staffId: holder.appointment.staffId });
    },

    /**
     * Queues every due reminder's mails and sends what the outbox holds; called on a timer and once
     * at start-up, one run at a time per instance, on any number of instances. A reminder is marked
     * sent in the transaction that queues its mails (see `queueReminder`), so it is queued once in
     * the cluster and a crash loses none; each mail keeps its idempotency key in the outbox.
     */
    sendDueReminders(): Promise<void> {
      if (!reminding) {
        // Deferred a tick, so `reminding` is set before the run can end (and clear it).
        const run = Promise.resolve().then(async () => {
          await Promise.all((await store.dueReminders(config.now().toISOString(), REMINDER_ATTEMPTS)).map(queueReminder));
          // The same tick retries queued mails whose earlier attempt failed, and sends what a crash left.
          await outbox.kick();
        });
        reminding = run.finally(() => (reminding = undefined));
      }
      return reminding;
    },

    /** Resolves when every mail started or queued so far has been handed to the transport (or failed). */
    async flush() {
      await reminding?.catch(() => undefined);
      await outbox.idle();
    },
    citizenToken,
  };
}

function requireCitizen(holder: LinkHolder) {
  if (holder.role !== 'citizen') throw new HttpError(403, 'citizen_only', 'Only the person who booked can change this appointment.');
}

export function publicSlot(slot: Slot) {
  return { start: slot.start, end: slot.end, channel: slot.channel, locationId: slot.locationId };
}

export type BookingService = ReturnType<typeof bookingService>;
export type { Lang };
