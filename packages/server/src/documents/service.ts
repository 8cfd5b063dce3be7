import type { LinkHolder } from '../booking/service.ts';
import type { Appointment } from '../booking/store.ts';
import type { Service } from '../catalog/types.ts';
import type { EventBus } from '../events.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { StaffAccount } from '../staff/identity.ts';
import { inspectFile, type RefusalCode } from './content-check.ts';
import type { Scanner } from './scanner.ts';
import { stripImageMetadata } from './strip-metadata.ts';
import type { DocumentRow, DocumentsStore, UploadedBy } from './store.ts';

/** Who acts on documents: a personal link holder, or a signed-in staff member. */
export type Actor = { kind: 'holder'; holder: LinkHolder } | { kind: 'staff'; account: StaffAccount };

export interface DocumentsPolicy {
  /** An upload not finished this long after its creation is removed. */
  unfinishedExpiryMs: number;
  maxUploadBytes: number;
  maxAppointmentBytes: number;
  /** All stored documents together, unfinished uploads by their announced size (MAX_STORED_GB). */
  maxStoredBytes: number;
  /** A new upload is refused when it could leave less free disk than this (MIN_FREE_DISK_MB). */
  minFreeDiskBytes: number;
  retentionDays: number;
}

/** Where the files are: the tus store, by upload id. */
export interface DocumentFiles {
  path(id: string): string;
  remove(id: string): Promise<void>;
  /** Bytes still free for us on the disk that holds the files. */
  freeBytes(): Promise<number>;
  /** The finished upload's file now has `size` bytes (metadata stripped): tus must see it complete at that size. */
  resized(id: string, size: number): Promise<void>;
}

const DAY = 86_400_000;
const MB = 1024 * 1024;

/**
 * The refusal when the server has no room: 507 Insufficient Storage (RFC 4918 §11.5), so monitoring
 * sees a server-side problem; the widget does not retry it and tells the citizen what to do instead.
 */
const storageFull = () =>
  new HttpError(507, 'storage_full', 'The municipality cannot take in more documents just now: its storage is full. Please try again later, or bring the document to your appointment.');

/** Refusals as answers: the status fits the reason, the code is what the widget translates. */
const refusals: Record<RefusalCode, { status: number; message: string }> = {
  type_not_allowed: { status: 415, message: 'This kind of file is not accepted. Send a PDF, a photo (JPEG, PNG, HEIC), a Word or OpenDocument text, or plain text.' },
  empty_file: { status: 422, message: 'This file is empty.' },
  infected: { status: 422, message: 'This file contains a virus and was deleted.' },
  scan_failed: { status: 422, message: 'This file could not be checked for viruses just now. Please try again later.' },
  image_damaged: { status: 422, message: 'This photo could not be read: it may be damaged. Please take or export it again.' },
};

export const uploaderKey = (actor: Actor) =>
  actor.kind === 'staff' ? `staff:${actor.account.id}` : actor.holder.role === 'citizen' ? 'citizen' : `companion:${actor.holder.companion.id}`;

const uploadedByOf = (actor: Actor): UploadedBy => (actor.kind === 'staff' ? 'staff' : actor.holder.role);

/** A filename to store and offer back: no path, no control characters, at most 200 characters. */
export function cleanFilename(name: string | null | undefined) {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean || 'document';
}

/**
 * The documents use cases: uploads bound to one appointment, the content checks when one finishes,
 * listing, download and deletion with their access rules, and the clean-up jobs.
 */
export function documentsService(deps: {
  store: DocumentsStore;
  files: DocumentFiles;
  appointment: (id: string) => Promise<Appointment | undefined>;
  service: (id: string) => Promise<Service | undefined>;
  scanner: Scanner | undefined;
  events: EventBus;
  policy: DocumentsPolicy;
  now: () => Date;
  log: (message: string, error?: unknown) => void;
}) {
  const { store, files, events, policy } = deps;
  const now = () => deps.now();

  const view = (row: DocumentRow, viewer?: Actor) => ({
    id: row.id,
    filename: row.filename,
    contentType: row.contentType,
    size: row.size,
    sha256: row.sha256!,
    uploadedBy: row.uploadedBy,
    requiredDocumentId: row.requiredDocumentId,
    createdAt: row.completedAt!,
    ...(viewer ? { mine: row.uploader === uploaderKey(viewer), canDelete: canDelete(viewer, row) } : {}),
  });

  function canDelete(actor: Actor, row: DocumentRow) {
    if (actor.kind === 'staff') return true;
    return row.uploader === uploaderKey(actor) && now().getTime() < Date.parse(actor.holder.appointment.startAt);
  }

  /** Removes the file and the row: nothing of the document is left. */
  async function erase(id: string) {
    await files.remove(id).catch(() => {}); // already gone: a crash between the two steps
    await store.remove(id);
  }

  async function requireVisible(appointmentId: string, id: string) {
    const row = await store.get(id);
    if (!row || row.appointmentId !== appointmentId || !row.completedAt || row.deletedAt) throw notFound('This document');
    return row;
  }

  /** Checks the announced size against the limit before any byte is sent (tus `Upload-Length`). */
  function checkSize(size: number) {
    if (size > policy.maxUploadBytes) {
      throw new HttpError(413, 'file_too_large', `This file is larger than the limit of ${policy.maxUploadBytes / MB} MB per file.`, {
        maxBytes: policy.maxUploadBytes,
      });
    }
  }

  /**
   * Before any byte is sent (tus `POST`): refuses a new upload that would take all stored documents
   * over MAX_STORED_GB, or could leave less than MIN_FREE_DISK_MB free on the disk. Running uploads
   * count by what they may still write (their announced size: an overestimate by what they already
   * wrote, on the safe side). `begin` checks the cap again inside the insert's transaction.
   */
  async function checkRoom(size: number) {
    const stored = await store.storedBytes();
    if (stored + size > policy.maxStoredBytes) {
      deps.log(`upload refused: documents take ${stored} bytes, MAX_STORED_GB allows ${policy.maxStoredBytes}`);
      throw storageFull();
    }
    const free = await files.freeBytes();
    if (free - (await store.unfinishedBytes()) - size < policy.minFreeDiskBytes) {
      deps.log(`upload refused: ${free} bytes free on the documents disk, MIN_FREE_DISK_MB keeps ${policy.minFreeDiskBytes}`);
      throw storageFull();
    }
  }

  const appointmentOf = async (actor: Actor, appointmentId: string | undefined) => {
    if (actor.kind === 'holder') {
      const own = actor.holder.appointment;
      if (appointmentId && appointmentId !== own.id) throw new HttpError(403, 'other_appointment', 'Your link does not give access to that appointment.');
      return own;
    }
    const appointment = appointmentId ? await deps.appointment(appointmentId) : undefined;
    if (!appointment) throw notFound('This appointment');
    return appointment;
  };

  /**
   * The content checks of a finished upload: type by magic bytes, a photo's metadata stripped (the
   * SHA-256 and size are then those of the stored bytes), virus scan. A refused file is erased at
   * once and the refusal thrown for the uploader to read.
   */
  async function finish(id: string) {
    const row = await store.get(id);
    if (!row) throw notFound('This upload');
    if (row.completedAt) return view(row);
    const path = files.path(id);
    let inspection = await inspectFile(path);
    if (inspection.ok) {
      const stripped = await stripImageMetadata(path, inspection.contentType);
      if (stripped.kind === 'damaged') inspection = { ok: false, code: 'image_damaged', detected: inspection.contentType };
      if (stripped.kind === 'stripped') {
        await files.resized(id, stripped.size);
        inspection = await inspectFile(path);
      }
    }
    if (inspection.ok && deps.scanner) {
      const scan = await deps.scanner.scan(path).catch((error: unknown) => {
        deps.log(`virus scan of ${id} failed`, error);
        return undefined;
      });
      if (!scan || scan.infected) inspection = { ok: false, code: scan ? 'infected' : 'scan_failed', detected: undefined };
      if (scan?.infected) deps.log(`upload ${id} refused: ${scan.viruses.join(', ')}`);
    }
    if (!inspection.ok) {
      await erase(id);
      const refusal = refusals[inspection.code];
      throw new HttpError(refusal.status, inspection.code, refusal.message);
    }
    await store.complete(id, { at: now().toISOString(), sha256: inspection.sha256, contentType: inspection.contentType, size: inspection.size });
    const appointment = await deps.appointment(row.appointmentId);
    events.emit('document.added', { appointmentId: row.appointmentId, staffId: appointment?.staffId ?? '', documentId: id, uploadedBy: row.uploadedBy });
    return view((await store.get(id))!);
  }

  return {
    view,

    checkSize,

    checkRoom,

    /** Binds a new upload to the actor's appointment and records it; returns the metadata tus keeps. */
    async begin(actor: Actor, input: { id: string; size: number; appointmentId?: string | undefined; filename?: string | null | undefined; requiredDocumentId?: string | null | undefined }) {
      const appointment = await appointmentOf(actor, input.appointmentId);
      if (actor.kind === 'holder' && appointment.status !== 'booked') {
        throw new HttpError(409, 'appointment_closed', 'Documents can be sent until the appointment has taken place.');
      }
      checkSize(input.size);
      const required = (await deps.service(appointment.serviceId))?.requiredDocuments ?? [];
      const requiredDocumentId = input.requiredDocumentId && required.some((d) => d.id === input.requiredDocumentId) ? input.requiredDocumentId : null;
      const filename = cleanFilename(input.filename);
      const at = now();
      const result = await store.insertWithin(
        {
          id: input.id,
          appointmentId: appointment.id,
          uploadedBy: uploadedByOf(actor),
          uploader: uploaderKey(actor),
          requiredDocumentId,
          filename,
          contentType: 'application/octet-stream',
          size: input.size,
          createdAt: at.toISOString(),
          expiresAt: new Date(at.getTime() + policy.unfinishedExpiryMs).toISOString(),
        },
        { appointment: policy.maxAppointmentBytes, stored: policy.maxStoredBytes },
      );
      if (!result.inserted && result.over === 'stored') throw storageFull();
      if (!result.inserted) {
        throw new HttpError(413, 'appointment_full', `The documents of this appointment may together be at most ${policy.maxAppointmentBytes / MB} MB.`, {
          maxBytes: policy.maxAppointmentBytes,
          remainingBytes: Math.max(0, policy.maxAppointmentBytes - result.used),
        });
      }
      return { appointmentId: appointment.id, filename, ...(requiredDocumentId ? { requiredDocumentId } : {}) };
    },

    /** Who may resume, inspect or cancel a running upload: the one who started it, before it expires. */
    async requireUploader(actor: Actor, id: string) {
      const row = await store.get(id);
      if (!row || row.deletedAt) throw notFound('This upload');
      if (row.uploader !== uploaderKey(actor) || (actor.kind === 'holder' && actor.holder.appointment.id !== row.appointmentId)) {
        throw new HttpError(403, 'not_your_upload', 'This upload belongs to someone else.');
      }
      if (!row.completedAt && row.expiresAt && row.expiresAt < now().toISOString()) {
        throw new HttpError(410, 'upload_expired', 'This upload was not finished in time and has been removed. Please send the file again.');
      }
      return row;
    },

    finish,

    /** When an unfinished upload will be removed (tus `Upload-Expires`); undefined once it finished. */
    async expiresAt(id: string) {
      const row = await store.get(id);
      return row && !row.completedAt && !row.deletedAt ? (row.expiresAt ?? undefined) : undefined;
    },

    /** The visible documents and the service's checklist, for a participant of the appointment. */
    async list(actor: Actor, appointmentId?: string) {
      const appointment = await appointmentOf(actor, appointmentId);
      const rows = await store.visible(appointment.id);
      const required = (await deps.service(appointment.serviceId))?.requiredDocuments ?? [];
      const used = rows.reduce((sum, r) => sum + r.size, 0);
      return {
        documents: rows.map((row) => view(row, actor)),
        required: required.map((d) => ({
          id: d.id,
          texts: d.texts,
          provided: rows.some((r) => r.requiredDocumentId === d.id && r.uploadedBy !== 'staff'),
        })),
        limits: { maxFileBytes: policy.maxUploadBytes, remainingBytes: Math.max(0, policy.maxAppointmentBytes - used) },
      };
    },

    /** For the staff dossier. */
    forDossier: async (appointmentId: string) => (await store.visible(appointmentId)).map((row) => view(row)),

    /** The file of a visible document of this actor's appointment. */
    async download(actor: Actor, id: string, appointmentId?: string) {
      const row = await requireVisible((await appointmentOf(actor, appointmentId)).id, id);
      return { row, path: files.path(id) };
    },

    /** Staff delete any document; a link holder only their own, and only before the appointment starts. */
    async remove(actor: Actor, id: string, appointmentId?: string) {
      const appointment = await appointmentOf(actor, appointmentId);
      const row = await requireVisible(appointment.id, id);
      if (actor.kind === 'holder') {
        if (row.uploader !== uploaderKey(actor)) throw new HttpError(403, 'not_your_document', 'Only the person who sent a document can delete it.');
        if (!canDelete(actor, row)) throw new HttpError(409, 'appointment_started', 'Documents can no longer be deleted once the appointment has started.');
      }
      await store.markDeleted(id, now().toISOString());
      await files.remove(id).catch(() => {});
      events.emit('document.deleted', { appointmentId: appointment.id, staffId: appointment.staffId, documentId: id });
    },

    /** Cancelling an unfinished upload (tus termination) removes its row as well. */
    forgetUpload: (id: string) => store.remove(id),

    /**
     * The jobs, idempotent and driven by the database, so a restart resumes them: uploads that
     * finished just before a crash get their checks, expired unfinished uploads go, and every
     * document of an appointment that ended more than RETENTION_DAYS ago goes with its row. `recover`
     * tells whether an unfinished upload has all its bytes.
     */
    async sweep(opts: { recover?: (id: string, size: number) => Promise<boolean> } = {}) {
      const at = now();
      for (const id of await store.expired(at.toISOString())) await erase(id);
      // Only at start-up: while serving, a complete upload may be in its onUploadFinish right now.
      for (const { id, size } of opts.recover ? await store.unfinished() : []) {
        if (await opts.recover!(id, size)) await finish(id).catch(() => {}); // a refusal already erased it
      }
      const cutOff = new Date(at.getTime() - policy.retentionDays * DAY).toISOString();
      for (const id of await store.pastRetention(cutOff)) await erase(id);
    },
  };
}

export type DocumentsService = ReturnType<typeof documentsService>;
