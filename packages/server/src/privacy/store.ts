import type { Db } from '../db/database.ts';

/** One appointment a person appears in: as the citizen who booked it, or as someone's companion. */
export interface PersonAppointment {
  appointmentId: string;
  role: 'citizen' | 'companion';
  /** The companion row, for role 'companion'. */
  companionId: string | null;
  serviceId: string;
  channel: string;
  startAt: string;
  endAt: string;
  status: string;
  /** The name as written on that appointment (the citizen's, or the companion's own). */
  name: string;
}

export type PersonQuery = { email: string } | { phone: string };

type Row = Record<string, unknown>;

/**
 * Columns that are security material rather than data about the person: a token is derived from the
 * server's secret and this nonce, and only its hash is kept. Handing them out adds nothing a citizen
 * can read and would weaken the links of appointments still to come.
 */
export const SECRET_COLUMNS = /^token_/;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const withoutSecrets = (row: Row) => Object.fromEntries(Object.entries(row).filter(([column]) => !SECRET_COLUMNS.test(column)));

/** The queries behind a citizen's access and erasure requests. */
export function privacyStore(db: Db) {
  const s = {
    byEmail: db.prepare<[string, string], PersonAppointment>(
      `SELECT id AS appointmentId, 'citizen' AS role, NULL AS companionId, service_id AS serviceId, channel, start_at AS startAt,
         end_at AS endAt, status, citizen_name AS name
       FROM appointments WHERE ? != '' AND citizen_email = ? COLLATE NOCASE AND purged_at IS NULL`,
    ),
    byPhone: db.prepare<[string], PersonAppointment>(
      `SELECT id AS appointmentId, 'citizen' AS role, NULL AS companionId, service_id AS serviceId, channel, start_at AS startAt,
         end_at AS endAt, status, citizen_name AS name
       FROM appointments WHERE citizen_phone = ? AND purged_at IS NULL`,
    ),
    asCompanion: db.prepare<[string], PersonAppointment>(
      `SELECT a.id AS appointmentId, 'companion' AS role, c.id AS companionId, a.service_id AS serviceId, a.channel,
         a.start_at AS startAt, a.end_at AS endAt, a.status, c.name
       FROM companions c JOIN appointments a ON a.id = c.appointment_id WHERE c.email = ? COLLATE NOCASE`,
    ),
    appointment: db.prepare<[string], Row>('SELECT * FROM appointments WHERE id = ?'),
    companion: db.prepare<[string], Row>('SELECT * FROM companions WHERE id = ?'),
    webhooks: db.prepare<[string], Row>("SELECT * FROM webhook_deliveries WHERE json_extract(payload, '$.data.appointmentId') = ? ORDER BY created_at"),
    // Every table that points at an appointment, by foreign key or by an appointment_id column:
    // read from the schema at each export, so a table a later migration adds is never left out.
    referencing: db.prepare<[], { tableName: string; columnName: string }>(
      `SELECT m.name AS tableName, f."from" AS columnName FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f."table" = 'appointments' AND m.name != 'appointments'
       UNION
       SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
         WHERE m.type = 'table' AND p.name = 'appointment_id' AND m.name != 'appointments'
       ORDER BY 1, 2`,
    ),
  };

  return {
    /** Appointments whose personal data is still there, newest first. */
    find(query: PersonQuery): PersonAppointment[] {
      const found =
        'email' in query ? [...s.byEmail.all(query.email, query.email), ...s.asCompanion.all(query.email)] : s.byPhone.all(query.phone);
      return found.sort((a, b) => b.startAt.localeCompare(a.startAt) || a.appointmentId.localeCompare(b.appointmentId));
    },
    /**
     * Everything the database holds about one appointment the person booked: its row and the rows of
     * every table that refers to it (companions, documents, reminders, mails waiting, webhooks, the
     * access log…), token material left out.
     */
    appointmentData(id: string): { appointment: Row; related: Record<string, Row[]> } {
      const related: Record<string, Row[]> = {};
      for (const { tableName, columnName } of s.referencing.all()) {
        const rows = db.prepare<[string], Row>(`SELECT * FROM ${quote(tableName)} WHERE ${quote(columnName)} = ?`).all(id);
        related[tableName] = [...(related[tableName] ?? []), ...rows.map(withoutSecrets)];
      }
      related.webhook_deliveries = s.webhooks.all(id);
      return { appointment: withoutSecrets(s.appointment.get(id) ?? {}), related };
    },
    /** What is about the person on someone else's appointment: their own companion row only. */
    companionData: (companionId: string) => withoutSecrets(s.companion.get(companionId) ?? {}),
  };
}

export type PrivacyStore = ReturnType<typeof privacyStore>;
