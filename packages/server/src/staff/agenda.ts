import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DateTime } from 'luxon';
import { ZONE } from '../booking/slots.ts';
import type { CatalogStore } from '../catalog/store.ts';
import type { AgendaItem, Dossier, DocumentInfo } from '@digitale-balie/contract';
import { localize } from '../catalog/types.ts';
import { fallbackChannel } from '../fallback/schemas.ts';
import { notFound } from '../http/errors.ts';
import type { StaffAppointmentRow, StaffAppointmentsStore } from './appointments-store.ts';
import type { StaffAccount } from './identity.ts';

/** Staff read Dutch; a service or question without its own text shows its id. */
const STAFF_LANG = 'nl';

export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? '';

/** The UTC instants that bound local dates [from, from + days) in Europe/Brussels. */
export function localDays(fromDate: string | undefined, days: number, now: Date) {
  const from = fromDate ? DateTime.fromISO(fromDate, { zone: ZONE }) : DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  const to = from.plus({ days });
  return { fromDate: from.toISODate()!, toDate: to.toISODate()!, fromIso: from.toUTC().toISO()!, toIso: to.toUTC().toISO()! };
}

/** The number of a phone appointment: `tel` for a `tel:` link, `text` grouped to read and dial. */
const callNumber = (phone: string | null) =>
  phone ? { phone: { tel: phone, text: parsePhoneNumberFromString(phone)?.formatInternational() ?? phone } } : {};

/** A document as the dossier lists it (the contract's DocumentInfo). */
export type DossierDocument = DocumentInfo;

/** The agenda and the dossier: appointments shaped for the staff console. */
export function staffAgenda(deps: {
  catalog: CatalogStore;
  store: StaffAppointmentsStore;
  now: () => Date;
  documents?: ((appointmentId: string) => Promise<DossierDocument[]>) | undefined;
}) {
  const { catalog, store } = deps;

  async function item(row: StaffAppointmentRow): Promise<AgendaItem> {
    const service = await catalog.getService(row.serviceId);
    const location = row.locationId ? (await catalog.listLocations()).find((l) => l.id === row.locationId) ?? null : null;
    const questions = service?.intake ?? [];
    return {
      id: row.id,
      status: row.status,
      start: row.startAt,
      end: row.endAt,
      channel: row.channel,
      service: { id: row.serviceId, name: service ? localize(service.texts, STAFF_LANG).name : row.serviceId },
      staff: { id: row.staffId, name: row.staffName },
      location,
      // Data minimisation: the agenda needs a name to greet, not the citizen's identity; the number
      // only when staff have to call it (a phone appointment).
      citizen: { firstName: firstName(row.citizenName), ...callNumber(row.callPhone) },
      bookedBy: row.bookedBy,
      lang: row.lang,
      companions: await store.companions(row.id),
      intake: Object.entries(row.intake).map(([id, answer]) => {
        const question = questions.find((q) => q.id === id);
        return { id, question: question ? localize(question.texts, STAFF_LANG).label : id, answer };
      }),
      /** The municipality's own data from the booking page (case number, payment reference…). */
      metadata: row.metadata,
      prefersText: row.prefersText,
      readiness: {
        deviceCheck: row.deviceCheck ?? 'not_done',
        /** Per part, so staff see which one failed; null when not done or from an older widget. */
        deviceParts: row.deviceCheckParts,
        /**
         * The way forward the citizen chose after a failed device test (issue 11). Only while the
         * appointment is still so: switched back from the counter to video, the flag no longer applies.
         */
        fallback: row.deviceFallback && fallbackChannel[row.deviceFallback] === row.channel ? row.deviceFallback : null,
        documents: { uploaded: row.documentsUploaded, required: service?.requiredDocuments.length ?? 0 },
        waiting: row.status === 'booked' && row.waitingSince !== null,
      },
      followUpOf: row.followUpOf,
    };
  }

  return {
    item,

    async list(actor: StaffAccount, q: { from?: string | undefined; days: number; staff?: string | undefined; includeCancelled: 'true' | 'false' }) {
      const range = localDays(q.from, q.days, deps.now());
      const staff = q.staff ?? actor.id;
      const rows = await store.between({
        from: range.fromIso,
        to: range.toIso,
        staffId: staff === 'all' ? null : staff,
        withCancelled: q.includeCancelled === 'true',
      });
      return { from: range.fromDate, days: q.days, staff, appointments: await Promise.all(rows.map(item)) };
    },

    async dossier(id: string): Promise<Dossier> {
      const row = await store.get(id);
      if (!row) throw notFound('This appointment');
      const service = await catalog.getService(row.serviceId);
      const documents = (await deps.documents?.(id)) ?? [];
      return {
        ...(await item(row)),
        citizen: { firstName: firstName(row.citizenName), name: row.citizenName, ...callNumber(row.callPhone) },
        requiredDocuments: (service?.requiredDocuments ?? []).map((d) => ({
          id: d.id,
          label: localize(d.texts, STAFF_LANG).label,
          provided: documents.some((doc) => doc.requiredDocumentId === d.id && doc.uploadedBy !== 'staff'),
        })),
        documents,
        deviceCheckAt: row.deviceCheckAt,
        waitingSince: row.waitingSince,
        notes: row.notes,
        nextSteps: row.nextSteps,
        createdAt: row.createdAt,
        cancelledAt: row.cancelledAt,
        cancelledBy: row.cancelledBy,
        heldAt: row.heldAt,
        noShowAt: row.noShowAt,
        followUps: await store.followUps(row.id),
      };
    },
  };
}

export type StaffAgenda = ReturnType<typeof staffAgenda>;
