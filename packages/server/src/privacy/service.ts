import { existsSync } from 'node:fs';
import type { RecordAccess } from '../access-log/service.ts';
import type { CatalogStore } from '../catalog/store.ts';
import { localize } from '../catalog/types.ts';
import { HttpError } from '../http/errors.ts';
import type { AppointmentEraser } from '../retention/erase.ts';
import type { ErasureRecord, RetentionStore } from '../retention/store.ts';
import type { StaffAccount } from '../staff/identity.ts';
import { requireBeheerder } from '../staff/roles.ts';
import type { PersonQuery, PrivacyStore } from './store.ts';

/** One document file in the export: where it is on disk and where in the zip. */
export interface ExportFile {
  path: string;
  name: string;
}

const EXPORT_FORMAT = 'digitale-balie-export/1';

/** A file name safe in a zip on every system: no folders, no control characters. */
const safeName = (name: string) => name.replace(/[\p{Cc}\p{Cf}/\\:*?"<>|]/gu, '_').slice(0, 120) || 'document';

/**
 * A citizen's rights, handled by a beheerder (GDPR articles 15 and 17): find every appointment of one
 * e-mail address or phone number, hand out everything about that person, erase it. Each step is
 * written to the access log before it is served; an erasure also leaves a record without personal data.
 */
export function citizenRights(deps: {
  store: PrivacyStore;
  retention: RetentionStore;
  eraser: AppointmentEraser;
  /** Clears the database's log after an erasure (the sweep's own clean-up). */
  compact: () => Promise<void>;
  record: RecordAccess;
  catalog: CatalogStore;
  documentPath: (documentId: string) => string;
  now: () => Date;
}) {
  const { store } = deps;
  const serviceName = async (id: string) => {
    const service = await deps.catalog.getService(id);
    return service ? localize(service.texts, 'nl').name : id;
  };

  return {
    async search(actor: StaffAccount, query: PersonQuery) {
      requireBeheerder(actor);
      const found = await store.find(query);
      // The term itself is personal data: the log says that a search happened and how much it found.
      await deps.record({ staffId: actor.id, action: 'search', detail: `${found.length} appointments` });
      const appointments = [];
      for (const a of found) appointments.push({ ...a, service: await serviceName(a.serviceId) });
      return { appointments };
    },

    /** The export as data: the JSON document and the document files that go with it. */
    async exportData(actor: StaffAccount, query: PersonQuery) {
      requireBeheerder(actor);
      const found = await store.find(query);
      if (!found.length) await deps.record({ staffId: actor.id, action: 'export', detail: '0 appointments' });
      for (const a of found) await deps.record({ staffId: actor.id, action: 'export', appointmentId: a.appointmentId, detail: `as ${a.role}` });
      const files: ExportFile[] = [];
      const appointments = [];
      for (const a of found.filter((a) => a.role === 'citizen')) {
        const data = await store.appointmentData(a.appointmentId);
        const documents = (data.related.documents ?? []).flatMap((row) => {
          const id = String(row.id);
          const path = deps.documentPath(id);
          if (row.deleted_at || !row.completed_at || !existsSync(path)) return [];
          const name = `documenten/${id}/${safeName(String(row.filename))}`;
          files.push({ path, name });
          return [{ documentId: id, file: name, sha256: row.sha256 }];
        });
        appointments.push({ role: 'citizen' as const, service: await serviceName(a.serviceId), ...data, documentFiles: documents });
      }
      const companionOf = [];
      for (const a of found.filter((a) => a.role === 'companion')) {
        companionOf.push({
          role: 'companion' as const,
          // Someone else's appointment: what it was and when, and the person's own row; nothing of the other citizen.
          appointment: { id: a.appointmentId, serviceId: a.serviceId, service: await serviceName(a.serviceId), channel: a.channel, startAt: a.startAt, endAt: a.endAt, status: a.status },
          companion: await store.companionData(a.companionId!),
        });
      }
      const json = {
        format: EXPORT_FORMAT,
        exportedAt: deps.now().toISOString(),
        person: query,
        appointments,
        companionOf,
        notes: {
          omitted: 'token_nonce and token_hash: security material of the personal links, not data about the person',
          feedback: 'survey answers are anonymous and linked to no appointment, so none can be attributed to this person',
          mails: 'mails already sent are not kept in the database; mails still waiting are under related.mail_outbox',
        },
      };
      return { json, files, fileName: `gegevens-${deps.now().toISOString().slice(0, 10)}.zip` };
    },

    /** Erases everything about the person now: the deletion retention does, plus a record that it happened. */
    async erase(actor: StaffAccount, query: PersonQuery): Promise<ErasureRecord> {
      requireBeheerder(actor);
      const found = await store.find(query);
      if (!found.length) throw new HttpError(404, 'nothing_found', 'No appointment with personal data was found for this e-mail address or phone number.');
      let appointments = 0;
      let companions = 0;
      let documents = 0;
      for (const a of found) {
        await deps.record({ staffId: actor.id, action: 'erase', appointmentId: a.appointmentId, detail: `as ${a.role}` });
        if (a.role === 'citizen') {
          const erased = await deps.eraser.eraseAppointment(a.appointmentId);
          if (erased) {
            appointments++;
            documents += erased.documents;
          }
        } else if (await deps.eraser.eraseCompanion(a.companionId!)) companions++;
      }
      const record = await deps.retention.recordErasure({ at: deps.now().toISOString(), staffId: actor.id, appointments, companions, documents });
      await deps.compact();
      return record;
    },

    async erasures(actor: StaffAccount) {
      requireBeheerder(actor);
      return { erasures: await deps.retention.erasures(200) };
    },
  };
}

export type CitizenRights = ReturnType<typeof citizenRights>;
