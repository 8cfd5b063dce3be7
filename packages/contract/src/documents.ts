import type { Localized, ParticipantRole } from './common.ts';

/**
 * A document of an appointment once its content passed the checks. Staff download it from
 * `/api/staff/appointments/:id/documents/:documentId/file`, a link holder from `/api/appointment/documents/:id/file`.
 */
export interface DocumentInfo {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  /** SHA-256 of the stored bytes, lowercase hex. */
  sha256: string;
  uploadedBy: ParticipantRole;
  requiredDocumentId: string | null;
  createdAt: string;
}

/** A document as a participant sees it in the list. */
export interface DocumentView extends DocumentInfo {
  /** Sent by the one looking. */
  mine: boolean;
  canDelete: boolean;
}

/** GET /api/appointment/documents and /api/staff/appointments/:id/documents. */
export interface DocumentList {
  documents: DocumentView[];
  /** The service's required documents and whether a citizen or companion upload answers each. */
  required: { id: string; texts: Localized<{ label: string }>; provided: boolean }[];
  limits: { maxFileBytes: number; remainingBytes: number };
}
