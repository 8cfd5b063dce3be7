/**
 * Ordered schema migrations; append, never edit a released one.
 * Times are stored as UTC ISO strings, local dates as YYYY-MM-DD in Europe/Brussels.
 */
export { postgresBaseline, POSTGRES_BASELINE_VERSION } from './migrations-postgres.ts';

/** A migration: one SQL text for both, or one per dialect (from migration 20 on; see migrations-postgres.ts). */
export type Migration = string | { sqlite: string; postgres: string };

export const migrations: Migration[] = [
  `
  CREATE TABLE locations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL
  );
  CREATE TABLE services (
    id TEXT PRIMARY KEY,
    texts TEXT NOT NULL,              -- JSON { nl: {name, description}, fr: …, en: …, de: … }
    duration_min INTEGER NOT NULL,
    buffer_before_min INTEGER NOT NULL DEFAULT 0,
    buffer_after_min INTEGER NOT NULL DEFAULT 0,
    notice_min INTEGER NOT NULL DEFAULT 0,
    horizon_days INTEGER NOT NULL DEFAULT 28,
    channels TEXT NOT NULL,           -- JSON ["video", "counter"]
    intake TEXT NOT NULL DEFAULT '[]',             -- JSON [{ id, required, texts: { nl: {label} } }]
    required_documents TEXT NOT NULL DEFAULT '[]', -- JSON [{ id, texts: { nl: {label} } }]
    active INTEGER NOT NULL DEFAULT 1
  );
  CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('medewerker', 'beheerder')),
    password_hash TEXT,
    active INTEGER NOT NULL DEFAULT 1
  );
  CREATE TABLE staff_services (
    staff_id TEXT NOT NULL REFERENCES staff(id),
    service_id TEXT NOT NULL REFERENCES services(id),
    PRIMARY KEY (staff_id, service_id)
  );
  CREATE TABLE opening_hours (
    id INTEGER PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),   -- ISO: 1 = Monday
    start_time TEXT NOT NULL,         -- HH:MM local
    end_time TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('video', 'counter')),
    location_id TEXT REFERENCES locations(id)
  );
  CREATE TABLE closures (
    id INTEGER PRIMARY KEY,
    staff_id TEXT REFERENCES staff(id),   -- NULL: the whole municipality (public holiday)
    date_from TEXT NOT NULL,
    date_to TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    channel TEXT NOT NULL,
    location_id TEXT REFERENCES locations(id),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'held', 'no_show')),
    citizen_name TEXT NOT NULL,
    citizen_email TEXT NOT NULL,
    citizen_phone TEXT,
    lang TEXT NOT NULL,
    intake TEXT NOT NULL DEFAULT '{}',
    return_url TEXT NOT NULL,
    token_nonce TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    consent_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    cancelled_at TEXT,
    cancelled_by TEXT
  );
  CREATE INDEX appointments_by_start ON appointments (start_at);
  -- One row per 5-minute unit a booking occupies (buffers included). The primary key is what makes
  -- double booking impossible, whatever the number of concurrent requests or processes.
  CREATE TABLE slot_claims (
    staff_id TEXT NOT NULL,
    unit_at TEXT NOT NULL,
    appointment_id TEXT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, unit_at)
  );
  CREATE INDEX slot_claims_by_appointment ON slot_claims (appointment_id);
  CREATE TABLE companions (
    id TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('carer', 'family', 'interpreter')),
    token_nonce TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    removed_at TEXT
  );
  CREATE INDEX companions_by_appointment ON companions (appointment_id);
  -- Reminders are rows, so a restart neither loses nor repeats them: a row is claimed (sent_at set)
  -- in the same transaction that selects it.
  CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    offset_min INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    UNIQUE (appointment_id, offset_min)
  );
  CREATE INDEX reminders_due ON reminders (sent_at, due_at);
  `,
  // 2: staff console (issue 3). Columns and tables later features fill in (device check, lobby, calls,
  // documents, feedback) are created here so the agenda and dashboard read real data from day one;
  // those features extend them with further migrations rather than re-creating them.
  `
  ALTER TABLE appointments ADD COLUMN device_check TEXT CHECK (device_check IN ('passed', 'failed'));
  ALTER TABLE appointments ADD COLUMN device_check_at TEXT;
  ALTER TABLE appointments ADD COLUMN waiting_since TEXT;     -- set while the citizen is in the waiting room
  ALTER TABLE appointments ADD COLUMN call_started_at TEXT;
  ALTER TABLE appointments ADD COLUMN call_ended_at TEXT;
  ALTER TABLE appointments ADD COLUMN notes TEXT;             -- internal, staff only
  ALTER TABLE appointments ADD COLUMN next_steps TEXT;        -- shown to the citizen after the call
  ALTER TABLE appointments ADD COLUMN held_at TEXT;
  ALTER TABLE appointments ADD COLUMN no_show_at TEXT;
  ALTER TABLE appointments ADD COLUMN follow_up_of TEXT REFERENCES appointments(id);
  ALTER TABLE appointments ADD COLUMN updated_by TEXT;
  CREATE INDEX appointments_by_staff_start ON appointments (staff_id, start_at);
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    uploaded_by TEXT NOT NULL CHECK (uploaded_by IN ('citizen', 'companion', 'staff')),
    required_document_id TEXT,        -- which of the service's required documents this answers, if any
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT,
    created_at TEXT NOT NULL,
    completed_at TEXT,                -- NULL while the upload is still running
    deleted_at TEXT
  );
  CREATE INDEX documents_by_appointment ON documents (appointment_id);
  -- Anonymous by design: a score is tied to a service and a day, never to an appointment or person.
  CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX feedback_by_created ON feedback (created_at);
  -- Only the SHA-256 of a session id is stored: a copy of the database opens no session.
  CREATE TABLE staff_sessions (
    id_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    method TEXT NOT NULL,             -- the identity provider that signed the user in
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL          -- absolute end, whatever the activity
  );
  CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);
  -- Failed sign-ins per (hashed e-mail, IP): the lockout survives a restart.
  CREATE TABLE staff_login_failures (
    account_key TEXT NOT NULL,
    ip TEXT NOT NULL,
    failures INTEGER NOT NULL,
    first_failed_at TEXT NOT NULL,
    locked_until TEXT,
    PRIMARY KEY (account_key, ip)
  );
  `,
  // 3: video meetings (issue 4). Whether feedback was given is a flag on the appointment, so the
  // feedback row itself stays unlinked.
  `
  ALTER TABLE appointments ADD COLUMN device_check_audio_only INTEGER;
  ALTER TABLE appointments ADD COLUMN feedback_given INTEGER NOT NULL DEFAULT 0;
  `,
  // 4: server webhooks (issue 6). An outbox: a row is written when the domain event happens and leaves
  // only when the receiver answered 2xx, so neither a restart nor a receiver outage loses an event.
  `
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,              -- the event id; receivers deduplicate on it (delivery is at least once)
    type TEXT NOT NULL,
    payload TEXT NOT NULL,            -- the exact JSON that is signed and sent: ids, times, codes, no contact data
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL, -- wall-clock ms
    last_error TEXT,
    delivered_at TEXT,
    failed_at TEXT                    -- given up after the last retry
  );
  CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
  `,
  // 5: documents (issue 5). Migration 2 made the table; a row is written when an upload is created
  // (completed_at NULL), completed when its content passed the checks, and deleted with its file when
  // it was refused, expired unfinished, or reached the retention date of its appointment.
  `
  ALTER TABLE documents ADD COLUMN uploader TEXT NOT NULL DEFAULT 'citizen'; -- 'citizen', 'companion:<id>' or 'staff:<id>': who may resume or delete it
  ALTER TABLE documents ADD COLUMN expires_at TEXT;                         -- an unfinished upload is removed after this
  CREATE INDEX documents_unfinished ON documents (expires_at) WHERE completed_at IS NULL;
  `,
  // 6: mail outbox and catalog version (issue 7). Booking, cancelling and rescheduling write their
  // mails here in the same transaction; a worker renders and sends them and deletes a row once its mail
  // is out. The payload holds who gets it and what was true when it was queued; personal links are
  // derived again from the nonces at sending, so no token is ever stored. The catalog version moves on
  // any change to services, staff, hours, closures or locations, whoever makes it, so checking a
  // booking can keep the offer in memory and ask only this one number.
  `
  CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused (sent rows are deleted): it is the mail's idempotency key
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,                -- JSON
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,     -- wall-clock ms
    last_error TEXT,
    failed_at TEXT                        -- given up after the last attempt
  );
  CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE failed_at IS NULL;
  CREATE INDEX opening_hours_by_weekday ON opening_hours (weekday, staff_id, start_time);
  CREATE INDEX slot_claims_by_unit ON slot_claims (unit_at); -- the claims of a time range, any staff member
  CREATE TABLE catalog_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
  INSERT INTO catalog_version (id, version) VALUES (1, 0);
  CREATE TRIGGER services_insert AFTER INSERT ON services BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER services_update AFTER UPDATE ON services BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER services_delete AFTER DELETE ON services BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER staff_insert AFTER INSERT ON staff BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER staff_update AFTER UPDATE ON staff BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER staff_delete AFTER DELETE ON staff BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER staff_services_insert AFTER INSERT ON staff_services BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER staff_services_update AFTER UPDATE ON staff_services BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER staff_services_delete AFTER DELETE ON staff_services BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER opening_hours_insert AFTER INSERT ON opening_hours BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER opening_hours_update AFTER UPDATE ON opening_hours BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER opening_hours_delete AFTER DELETE ON opening_hours BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER closures_insert AFTER INSERT ON closures BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER closures_update AFTER UPDATE ON closures BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER closures_delete AFTER DELETE ON closures BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER locations_insert AFTER INSERT ON locations BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER locations_update AFTER UPDATE ON locations BEGIN UPDATE catalog_version SET version = version + 1; END;
  CREATE TRIGGER locations_delete AFTER DELETE ON locations BEGIN UPDATE catalog_version SET version = version + 1; END;
  `,
  // 7: the host page's own data for a booking (balie-booking-requested), e.g. a case number or a
  // payment reference; JSON object of at most 10 short strings, shown to staff and sent in webhooks.
  `
  ALTER TABLE appointments ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
  `,
  // 8: who was let into a meeting (the person, not the peer id: 'citizen', 'companion:<id>',
  // 'staff:<id>'), so a server restart during a call does not send everyone back to the waiting room.
  // Removed when the meeting ends; nothing personal in it.
  `
  CREATE TABLE meeting_admissions (
    appointment_id TEXT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    holder TEXT NOT NULL,
    PRIMARY KEY (appointment_id, holder)
  ) WITHOUT ROWID;
  `,
  // 9: invitations mailed per appointment, over its whole life (issue 10). Adding and removing a
  // companion again and again mailed an invitation in the municipality's name each time; the count
  // never goes down, so the cap holds whatever is removed. Existing appointments start from their
  // companion rows (removed ones included: each was mailed an invitation).
  `
  ALTER TABLE appointments ADD COLUMN companion_invitations INTEGER NOT NULL DEFAULT 0;
  UPDATE appointments SET companion_invitations = (SELECT count(*) FROM companions WHERE companions.appointment_id = appointments.id);
  `,
  // 10: the appointments still to come per e-mail address, counted on every booking (issue 10: one
  // client booked a whole day empty). Only booked rows, so the index stays small and cancelling frees one.
  `
  CREATE INDEX appointments_booked_by_email ON appointments (citizen_email COLLATE NOCASE, end_at) WHERE status = 'booked';
  `,
  // 11: one-time set-password links for staff (issue 10: a production start has no known password;
  // `npm run admin -- create` makes the first beheerder and prints such a link). Only the SHA-256 of
  // the token is stored; a row is deleted when used, and is worthless once expired.
  `
  CREATE TABLE staff_password_links (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX staff_password_links_staff ON staff_password_links (staff_id);
  `,
  // 12: the device test per part (issue 11): JSON {camera, microphone, speaker, network}, each
  // 'passed', 'failed' or 'skipped', so staff see "camera ✓, microfoon ✗" instead of one tick.
  `
  ALTER TABLE appointments ADD COLUMN device_check_parts TEXT;
  `,
  // 13: the calendar revision of an appointment (issue 11). RFC 5546: an update or a cancellation
  // replaces the event in the citizen's calendar only when its SEQUENCE is higher than the one the
  // calendar holds, so every move and the cancellation raise it, in the same transaction.
  `
  ALTER TABLE appointments ADD COLUMN calendar_sequence INTEGER NOT NULL DEFAULT 0;
  `,
  // 14: who booked an appointment (issue 11): the staff member's id when staff booked it for the
  // citizen (help by phone, a follow-up), NULL when the citizen booked it. Shown in the dossier and
  // sent as `bookedBy` in webhooks. A citizen booked by phone may have no e-mail address: then
  // citizen_email is '' (the column stays NOT NULL) and the link goes by SMS to citizen_phone.
  `
  ALTER TABLE appointments ADD COLUMN booked_by TEXT REFERENCES staff(id);
  `,
  // 15: the access log (issue 12): who of the staff opened a dossier, downloaded a document,
  // exported or erased a person's data, and when. Ids only, no foreign keys: a row must outlive the
  // appointment it names (erasure, retention) and keeps ACCESS_LOG_DAYS of its own.
  `
  CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    action TEXT NOT NULL,
    appointment_id TEXT,
    document_id TEXT,
    detail TEXT
  );
  CREATE INDEX access_log_at ON access_log (at);
  CREATE INDEX access_log_staff ON access_log (staff_id, id);
  CREATE INDEX access_log_appointment ON access_log (appointment_id, id);
  `,
  // 16: retention that deletes (issue 12). `purged_at` marks an appointment whose personal data is
  // gone (past RETENTION_DAYS, or erased on a citizen's request): the row keeps only what the impact
  // dashboard counts. Files go first, then one transaction blanks the row and sets the marker, so a
  // sweep that died halfway finishes the job on its next run. `privacy_erasures` is the record that
  // an erasure on request happened: who, when, how much; never whose.
  `
  ALTER TABLE appointments ADD COLUMN purged_at TEXT;
  CREATE INDEX appointments_to_purge ON appointments (end_at) WHERE purged_at IS NULL;
  CREATE TABLE privacy_erasures (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    appointments INTEGER NOT NULL,
    companions INTEGER NOT NULL,
    documents INTEGER NOT NULL
  );
  `,
  // 17: the way forward a citizen chose after a failed device test (issue 11): 'audio-only',
  // 'phone' (called back at the same time) or 'counter' (moved to a visit), with when. Staff see it
  // as a flag on the appointment; NULL when none was chosen.
  `
  ALTER TABLE appointments ADD COLUMN device_fallback TEXT;
  ALTER TABLE appointments ADD COLUMN device_fallback_at TEXT;
  `,
  // 18: the citizen prefers text in the call (issue 14, the booking option "Ik gebruik liever tekst"):
  // real-time text opens for everyone in the call, and staff see it in the agenda and dossier.
  // It says something about the citizen's hearing or speech, so retention blanks it with the rest.
  `
  ALTER TABLE appointments ADD COLUMN prefers_text INTEGER NOT NULL DEFAULT 0;
  `,
  // 19: staff identity (issue 12). OIDC sign-in links a provider's subject (issuer + sub) to a staff
  // member; a sign-in in progress keeps its state, nonce and PKCE verifier in a short-lived row (any
  // instance may receive the callback), bound to the browser that started it by a cookie's hash.
  // Local accounts may have a TOTP second factor (secret sealed with TOKEN_SECRET; the last step
  // used, so a code works once) and recovery codes (SHA-256, each deleted when used). A session may
  // still wait for a step (the code, a password of one's own, enrolment); an OIDC one keeps its
  // id_token for the provider's sign-out. `must_change_password`: created by a beheerder with a
  // temporary password.
  `
  CREATE TABLE staff_oidc_subjects (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    PRIMARY KEY (issuer, subject)
  ) WITHOUT ROWID;
  CREATE INDEX staff_oidc_subjects_staff ON staff_oidc_subjects (staff_id);
  CREATE TABLE staff_oidc_flows (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) WITHOUT ROWID;
  ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE staff ADD COLUMN totp_secret TEXT;
  ALTER TABLE staff ADD COLUMN totp_pending_secret TEXT;
  ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;
  CREATE TABLE staff_recovery_codes (
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (staff_id, code_hash)
  ) WITHOUT ROWID;
  ALTER TABLE staff_sessions ADD COLUMN pending TEXT;
  ALTER TABLE staff_sessions ADD COLUMN id_token TEXT;
  `,
  // 20: the e-mail cap's index on lower(citizen_email), the form both dialects can use (PostgreSQL has no NOCASE).
  {
    sqlite: `
  DROP INDEX appointments_booked_by_email;
  CREATE INDEX appointments_booked_by_email ON appointments (lower(citizen_email), end_at) WHERE status = 'booked';
  `,
    postgres: 'SELECT 1',
  },
  // 21: the public routes' rate limits, shared by every instance on PostgreSQL (rate-limiter-flexible's
  // RateLimiterPostgres, its own table layout). One SQLite process counts in memory.
  {
    sqlite: 'SELECT 1',
    postgres: `
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    points INTEGER NOT NULL DEFAULT 0,
    expire BIGINT
  );
  `,
  },
];
