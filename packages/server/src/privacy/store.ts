import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { webhookRowsAbout } from '../webhooks/store.ts';

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

const withoutSecrets = (row: Row) => Object.fromEntries(Object.entries(row).filter(([column]) => !SECRET_COLUMNS.test(column)));

/** The queries behind a citizen's access and erasure requests. */
export function privacyStore(db: Db) {
  const citizenOf = () =>
    db.q
      .selectFrom('appointments')
      .select(['id as appointmentId', 'service_id as serviceId', 'channel', 'start_at as startAt', 'end_at as endAt', 'status', 'citizen_name as name'])
      .$narrowType<{ appointmentId: string }>()
      .where('purged_at', 'is', null);
  const asCitizen = (rows: Omit<PersonAppointment, 'role' | 'companionId'>[]) => rows.map((r): PersonAppointment => ({ ...r, role: 'citizen', companionId: null }));

  /**
   * Every table that points at an appointment, by foreign key or by an appointment_id column: read
   * from the schema at each export, so a table a later migration adds is never left out. The
   * catalogue is each database's own.
   */
  async function referencing(): Promise<{ tableName: string; columnName: string }[]> {
    const query =
      db.dialect === 'sqlite'
        ? sql<{ tableName: string; columnName: string }>`
            SELECT m.name AS "tableName", f."from" AS "columnName" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
              WHERE m.type = 'table' AND f."table" = 'appointments' AND m.name != 'appointments'
            UNION
            SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
              WHERE m.type = 'table' AND p.name = 'appointment_id' AND m.name != 'appointments'
            ORDER BY 1, 2`
        : sql<{ tableName: string; columnName: string }>`
            SELECT c.conrelid::regclass::text AS "tableName", a.attname::text AS "columnName"
              FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
              WHERE c.contype = 'f' AND c.confrelid = 'appointments'::regclass AND c.conrelid != 'appointments'::regclass
            UNION
            SELECT table_name::text, column_name::text FROM information_schema.columns
              WHERE table_schema = current_schema() AND column_name = 'appointment_id' AND table_name != 'appointments'
            ORDER BY 1, 2`;
    return (await query.execute(db.q)).rows;
  }

  return {
    /** Appointments whose personal data is still there, newest first. */
    async find(query: PersonQuery): Promise<PersonAppointment[]> {
      let found: PersonAppointment[];
      if ('email' in query) {
        const { email } = query;
        // lower() on both sides: the same folding whatever the database makes of non-ASCII letters.
        const citizen = email ? asCitizen(await citizenOf().where(sql<boolean>`lower(citizen_email) = lower(${email})`).execute()) : [];
        const companion = await db.q
          .selectFrom('companions as c')
          .innerJoin('appointments as a', 'a.id', 'c.appointment_id')
          .select(['a.id as appointmentId', 'c.id as companionId', 'a.service_id as serviceId', 'a.channel', 'a.start_at as startAt', 'a.end_at as endAt', 'a.status', 'c.name'])
          .$narrowType<{ appointmentId: string }>()
          .where(sql<boolean>`lower(c.email) = lower(${email})`)
          .execute();
        found = [...citizen, ...companion.map((r): PersonAppointment => ({ ...r, role: 'companion' }))];
      } else {
        found = asCitizen(await citizenOf().where('citizen_phone', '=', query.phone).execute());
      }
      return found.sort((a, b) => b.startAt.localeCompare(a.startAt) || a.appointmentId.localeCompare(b.appointmentId));
    },
    /**
     * Everything the database holds about one appointment the person booked: its row and the rows of
     * every table that refers to it (companions, documents, reminders, mails waiting, webhooks, the
     * access log…), token material left out.
     */
    async appointmentData(id: string): Promise<{ appointment: Row; related: Record<string, Row[]> }> {
      const related: Record<string, Row[]> = {};
      for (const { tableName, columnName } of await referencing()) {
        const { rows } = await sql<Row>`SELECT * FROM ${sql.table(tableName)} WHERE ${sql.ref(columnName)} = ${id}`.execute(db.q);
        related[tableName] = [...(related[tableName] ?? []), ...rows.map(withoutSecrets)];
      }
      related.webhook_deliveries = await webhookRowsAbout(db, id);
      const appointment = await db.q.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirst();
      return { appointment: withoutSecrets(appointment ?? {}), related };
    },
    /** What is about the person on someone else's appointment: their own companion row only. */
    async companionData(companionId: string): Promise<Row> {
      const companion = await db.q.selectFrom('companions').selectAll().where('id', '=', companionId).executeTakeFirst();
      return withoutSecrets(companion ?? {});
    },
  };
}

export type PrivacyStore = ReturnType<typeof privacyStore>;
