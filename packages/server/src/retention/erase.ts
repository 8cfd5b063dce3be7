import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutboxEntry } from '../mail/mailer.ts';
import type { RetentionStore } from './store.ts';

/** Where the files about an appointment live: uploaded documents (tus store) and outbox mails. */
export interface ErasableFiles {
  /** The tus file store's folder: `<id>` holds the bytes, `<id>.json` the upload's metadata (file name). */
  documentsDir: string;
  /** DATA_DIR/outbox in outbox mode: `<name>.eml` and its `<name>.json` summary. */
  outboxDir: string;
}

export interface Erased {
  documents: number;
  mails: number;
  /** It was still booked and to come: erasing cancelled it. */
  cancelled: boolean;
}

const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Erases one appointment's personal data, the one deletion that retention and a citizen's erasure
 * request share. Files first, then one transaction that removes every row about it and blanks the
 * appointment with a `purged_at` marker: a crash in between leaves the marker unset, so the next run
 * does it all again (deleting what is gone already is a no-op).
 */
export function appointmentEraser(deps: { store: RetentionStore; files: ErasableFiles; now: () => Date }) {
  const { store, files } = deps;

  async function removeDocument(id: string) {
    // Both, whatever the other's fate: `FileStore.remove` stops at a missing data file.
    await rm(join(files.documentsDir, id), { force: true });
    await rm(join(files.documentsDir, `${id}.json`), { force: true });
  }

  /** The outbox mails about the appointment (to anyone, or only to `to`): summary and .eml both. */
  async function removeMails(appointmentId: string, to?: string): Promise<number> {
    let names: string[];
    try {
      names = await readdir(files.outboxDir);
    } catch (error) {
      if (missing(error)) return 0; // SMTP mode: nothing kept here
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const base = name.slice(0, -'.json'.length);
      // Reminders name the appointment in their idempotency key; other mails say it in the summary.
      let about = base.includes(`-reminder-${appointmentId}-`);
      let recipient: string | undefined;
      try {
        const entry = JSON.parse(await readFile(join(files.outboxDir, name), 'utf8')) as OutboxEntry;
        about ||= entry.appointmentId === appointmentId;
        recipient = entry.to;
      } catch {
        continue; // gone meanwhile, or half-written: the mailer writes it again under the same name
      }
      if (!about || (to !== undefined && recipient?.toLowerCase() !== to.toLowerCase())) continue;
      await rm(join(files.outboxDir, `${base}.eml`), { force: true });
      await rm(join(files.outboxDir, name), { force: true });
      removed++;
    }
    return removed;
  }

  return {
    /** Idempotent: an appointment purged already (or unknown) costs one read. */
    async eraseAppointment(id: string): Promise<Erased | undefined> {
      if ((await store.purgedAt(id)) !== null) return undefined;
      const documentIds = await store.documentIds(id);
      for (const documentId of documentIds) await removeDocument(documentId);
      const mails = await removeMails(id);
      const { cancelled } = await store.purge(id, deps.now().toISOString());
      return { documents: documentIds.length, mails, cancelled };
    },

    /** A person who was someone else's companion: their row and the mails to them go; the appointment stays. */
    async eraseCompanion(companionId: string): Promise<boolean> {
      const companion = await store.companion(companionId);
      if (!companion) return false;
      await removeMails(companion.appointmentId, companion.email);
      await store.deleteCompanion(companion.id, companion.appointmentId);
      return true;
    },
  };
}

export type AppointmentEraser = ReturnType<typeof appointmentEraser>;
