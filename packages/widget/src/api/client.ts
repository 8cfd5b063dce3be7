import ky, { HTTPError, type KyInstance } from 'ky';
import type {
  AppointmentView,
  BookingConfirmation,
  BookingRequest,
  Companion,
  CompanionRequest,
  DeviceCheckReport,
  DocumentList,
  FallbackChoiceRequest,
  FeedbackRequest,
  Location,
  MeetingJoin,
  MeetingState,
  PublicConfig,
  Service,
  Slot,
  SlotChoice,
  SwitchToPhoneRequest,
} from '@digitale-balie/contract';

/**
 * An API failure as a value the views can turn into a friendly text: `code` is the server's
 * machine-readable code, or `network` when the server could not be reached at all.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

async function toApiError(error: unknown): Promise<ApiError> {
  if (error instanceof HTTPError) {
    const body = (await error.response.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string; fields?: Record<string, string>; details?: Record<string, unknown> };
    };
    const e = body.error ?? {};
    const fields = e.fields ?? (e.details?.fields as Record<string, string> | undefined) ?? {};
    return new ApiError(error.response.status, e.code ?? 'http_error', e.message ?? error.message, fields, e.details ?? {});
  }
  return new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
}

/** The only place that talks HTTP. Tokens travel in a header; the widget never uses cookies. */
export class BalieApi {
  private readonly http: KyInstance;

  constructor(
    private readonly server: string,
    private readonly token?: string,
  ) {
    this.http = ky.create({
      prefixUrl: `${server.replace(/\/$/, '')}/api`,
      credentials: 'omit',
      timeout: 15_000,
      retry: { limit: 2, methods: ['get'] },
      hooks: {
        beforeRequest: [
          (request) => {
            if (this.token) request.headers.set('authorization', `Bearer ${this.token}`);
          },
        ],
      },
    });
  }

  withToken(token: string): BalieApi {
    return new BalieApi(this.server, token);
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw await toApiError(error);
    }
  }

  // Asked before the first view renders: no retries, a short timeout; the view reports a dead server.
  getConfig = () => this.call(() => this.http.get('config', { retry: 0, timeout: 5000 }).json<PublicConfig>());
  /** One small request past every cache, for the device test's round-trip measurement. */
  ping = () => this.call(() => this.http.get('config', { retry: 0, timeout: 5000, cache: 'no-store' }).then(() => undefined));
  listServices = () => this.call(() => this.http.get('services').json<Service[]>());
  getService = (id: string) => this.call(() => this.http.get(`services/${encodeURIComponent(id)}`).json<Service>());
  listLocations = () => this.call(() => this.http.get('locations').json<Location[]>());
  listSlots = (serviceId: string, query: { channel?: string; location?: string; from?: string; days?: number } = {}) =>
    this.call(async () => {
      const searchParams = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string>;
      return (await this.http.get(`services/${encodeURIComponent(serviceId)}/slots`, { searchParams }).json<{ slots: Slot[] }>()).slots;
    });
  /** Field by field, like every body here: the server's schemas are strict (see reschedule). Undefined fields are left out by JSON. */
  book = (r: BookingRequest) =>
    this.call(() =>
      this.http
        .post('appointments', {
          json: {
            serviceId: r.serviceId,
            start: r.start,
            channel: r.channel,
            locationId: r.locationId,
            lang: r.lang,
            citizen: { name: r.citizen.name, email: r.citizen.email, phone: r.citizen.phone },
            companion: r.companion && { name: r.companion.name, email: r.companion.email, role: r.companion.role },
            intake: r.intake,
            consent: r.consent,
            returnUrl: r.returnUrl,
            metadata: r.metadata,
            prefersText: r.prefersText,
          } satisfies BookingRequest,
        })
        .json<BookingConfirmation>(),
    );
  getAppointment = () => this.call(() => this.http.get('appointment').json<AppointmentView>());
  cancel = () => this.call(() => this.http.delete('appointment').json<{ status: string }>());
  /**
   * The body is built field by field: the server's schema is strict, and a whole slot (with `end`)
   * passed through a structural `Pick` was refused with 422 (issue 11).
   */
  reschedule = (slot: SlotChoice) =>
    this.call(() =>
      this.http
        .post('appointment/reschedule', { json: { start: slot.start, channel: slot.channel, locationId: slot.locationId } satisfies SlotChoice })
        .json<AppointmentView>(),
    );
  addCompanion = (c: CompanionRequest) =>
    this.call(() =>
      this.http.post('appointment/companions', { json: { name: c.name, email: c.email, role: c.role } satisfies CompanionRequest }).json<Companion>(),
    );
  removeCompanion = (id: string) => this.call(() => this.http.delete(`appointment/companions/${encodeURIComponent(id)}`).then(() => undefined));
  joinMeeting = () => this.call(() => this.http.post('meeting/join').json<MeetingJoin>());
  /** `meeting` routes the request to the server instance that holds the meeting's sockets (its presence). */
  meetingState = (join: { peerId: string; meetingId: string }) =>
    this.call(() => this.http.get('meeting/state', { searchParams: { peerId: join.peerId, meeting: join.meetingId }, retry: 0 }).json<MeetingState>());
  reportDeviceCheck = (check: DeviceCheckReport) =>
    this.call(() =>
      this.http
        .post('meeting/device-check', {
          json: {
            result: check.result,
            audioOnly: check.audioOnly,
            parts: { camera: check.parts.camera, microphone: check.parts.microphone, speaker: check.parts.speaker, network: check.parts.network },
          },
        })
        .then(() => undefined),
    );
  /** After a failed device test: a phone call at the same time instead of the video call. `phone` as typed; the server reads it. */
  switchToPhone = (phone: string) =>
    this.call(() =>
      this.http.post('appointment/switch-to-phone', { json: { phone } satisfies SwitchToPhoneRequest }).json<AppointmentView & { phone: string }>(),
    );
  /** After a failed device test: audio only, or the counter once the appointment moved there. */
  chooseFallback = (choice: FallbackChoiceRequest['choice']) =>
    this.call(() => this.http.post('appointment/device-fallback', { json: { choice } satisfies FallbackChoiceRequest }).then(() => undefined));
  sendFeedback = (score: number, comment: string) =>
    this.call(() => this.http.post('meeting/feedback', { json: { score, ...(comment ? { comment } : {}) } satisfies FeedbackRequest }).then(() => undefined));
}

/**
 * Who opens an appointment's documents: a link holder (any origin, Bearer token) or staff (the
 * server's own origin, session cookie and CSRF header).
 */
export type DocumentsAccess =
  | { kind: 'link'; appointmentId: string; token: string }
  | { kind: 'staff'; appointmentId: string; csrfHeader: string; csrfToken: string };

/** The documents API and where resumable uploads go (tus under /files). */
export class DocumentsApi {
  private readonly http: KyInstance;

  constructor(
    private readonly server: string,
    readonly access: DocumentsAccess,
  ) {
    const base = server.replace(/\/$/, '');
    const staff = access.kind === 'staff';
    this.http = ky.create({
      prefixUrl: staff ? `${base}/api/staff/appointments/${encodeURIComponent(access.appointmentId)}/documents` : `${base}/api/appointment/documents`,
      credentials: staff ? 'same-origin' : 'omit',
      headers: this.headers,
      timeout: 30_000,
      retry: { limit: 2, methods: ['get'] },
    });
  }

  /** What every request carries, tus ones included. */
  get headers(): Record<string, string> {
    const a = this.access;
    return a.kind === 'staff' ? { [a.csrfHeader]: a.csrfToken } : { authorization: `Bearer ${a.token}` };
  }

  /** The tus creation URL. */
  get uploadEndpoint(): string {
    return new URL('/files', this.server || globalThis.location.origin).href;
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw await toApiError(error);
    }
  }

  list = () => this.call(() => this.http.get('').json<DocumentList>());
  /** The bytes, fetched with the credential (a plain link cannot carry a Bearer token). */
  download = (id: string) => this.call(() => this.http.get(`${encodeURIComponent(id)}/file`, { timeout: false }).blob());
  remove = (id: string) => this.call(() => this.http.delete(encodeURIComponent(id)).then(() => undefined));
}

/** Reads our error shape from the body of a failed tus request (Uppy hands over the XHR). */
export function uploadError(status: number, body: string): ApiError {
  try {
    const e = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error ?? {};
    return new ApiError(status, e.code ?? 'upload_failed', e.message ?? body);
  } catch {
    return new ApiError(status, status === 0 ? 'network' : 'upload_failed', body);
  }
}

