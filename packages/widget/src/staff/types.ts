/**
 * Shapes the staff API answers with: declared once, in packages/contract, imported as types only.
 */
export type {
  Account,
  AdminService,
  AffectedAppointment,
  Agenda,
  AgendaChanged,
  AgendaItem,
  AppointmentStatus,
  CallNumber,
  Closure,
  DashboardData,
  DeviceCheck,
  DeviceFallback,
  DevicePart,
  DevicePartResult,
  Dossier,
  DocumentInfo as DossierDocument,
  ErasureRecord,
  FeedbackCommentList,
  Figures,
  HoursBlock,
  OpeningHours,
  PersonAppointment,
  PersonQuery,
  RequiredDocument as LabelledItem,
  Role,
  SessionInfo,
  StaffMember,
} from '@digitale-balie/contract';

/** GET /api/staff/access-log (a beheerder only): who of the staff read or removed what, newest first. */
export type AccessAction = 'dossier.opened' | 'document.downloaded' | 'export' | 'erase' | 'search';
export interface AccessLogEntry {
  id: number;
  at: string;
  staffId: string;
  staffName: string | null;
  action: AccessAction;
  appointmentId: string | null;
  documentId: string | null;
  detail: string | null;
}
export interface AccessLogPage {
  actions: AccessAction[];
  entries: AccessLogEntry[];
  /** Pass as `before` for the next (older) page; null on the last. */
  next: number | null;
}
export interface AccessLogQuery {
  staffId?: string;
  action?: AccessAction;
  appointmentId?: string;
  from?: string;
  to?: string;
  before?: number;
}

