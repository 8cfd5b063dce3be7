import ky, { HTTPError, type KyInstance } from 'ky';
import { ApiError } from '../api/client.ts';
import type {
  ClosureRequest,
  CreateAccountRequest,
  CreateServiceRequest,
  DossierPatch,
  FollowUpRequest,
  Localized,
  MfaStatus,
  PasswordResetLink,
  SignedOut,
  SignInOptions,
  TotpSetup,
  TotpSignInRequest,
  UpdateAccountRequest,
  StaffBookingRequest,
  UpdateServiceRequest,
} from '@digitale-balie/contract';
import type { Location } from '../api/types.ts';
import type {
  AccessLogPage,
  AccessLogQuery,
  Account,
  AdminService,
  Agenda,
  Closure,
  DashboardData,
  Dossier,
  ErasureRecord,
  FeedbackCommentList,
  HoursBlock,
  OpeningHours,
  PersonAppointment,
  PersonQuery,
  Role,
  SessionInfo,
} from './types.ts';

export { ApiError };

export interface AgendaQuery {
  from?: string;
  days: number;
  staff: 'all' | string;
}

export type { FollowUpRequest };
/** "Afspraak maken voor een burger": an e-mail address, a mobile number or both. */
export type CitizenBookingRequest = StaffBookingRequest;

const segment = encodeURIComponent;

// Request bodies are built field by field from the contract's types: the server's schemas are
// strict, and a whole object of a wider type (a structural `Pick` of a slot) once carried a field
// they refused (issue 11). A field left undefined is left out by JSON.stringify.
const localizedCopy = <T>(texts: Localized<T>, copy: (text: T) => T): Localized<T> => ({
  nl: copy(texts.nl),
  fr: texts.fr && copy(texts.fr),
  en: texts.en && copy(texts.en),
  de: texts.de && copy(texts.de),
});
const labelCopy = (text: { label: string }) => ({ label: text.label });
const serviceBody = (s: UpdateServiceRequest): UpdateServiceRequest => ({
  texts: s.texts && localizedCopy(s.texts, (t) => ({ name: t.name, description: t.description })),
  durationMin: s.durationMin,
  bufferBeforeMin: s.bufferBeforeMin,
  bufferAfterMin: s.bufferAfterMin,
  noticeMin: s.noticeMin,
  horizonDays: s.horizonDays,
  channels: s.channels,
  intake: s.intake?.map((q) => ({ id: q.id, required: q.required, texts: localizedCopy(q.texts, labelCopy) })),
  requiredDocuments: s.requiredDocuments?.map((d) => ({ id: d.id, texts: localizedCopy(d.texts, labelCopy) })),
  active: s.active,
  staffIds: s.staffIds,
});

/**
 * The staff console's only way to the server. Same origin with the session cookie
 * (`credentials: 'same-origin'`); every write carries the CSRF token the session answer gave.
 * A 401 `not_signed_in` from any call ends up in `onSignedOut`, so the console can ask to sign in
 * again wherever the session expired.
 */
export class StaffApi {
  /** Called when the server no longer knows the session (expired, signed out elsewhere). */
  onSignedOut?: () => void;

  private readonly http: KyInstance;
  private csrf?: { header: string; token: string };

  constructor(readonly origin: string = globalThis.location.origin) {
    this.http = ky.create({
      prefixUrl: `${origin}/api`,
      credentials: 'same-origin',
      timeout: 15_000,
      // No retry on 429: a locked sign-in must be shown, not waited out.
      retry: { limit: 1, methods: ['get'], statusCodes: [408, 502, 503, 504] },
      hooks: {
        beforeRequest: [
          (request) => {
            if (this.csrf && request.method !== 'GET') request.headers.set(this.csrf.header, this.csrf.token);
          },
        ],
      },
    });
  }

  /** The live agenda stream (Server-Sent Events); EventSource sends the same-origin cookie. */
  get eventsUrl() {
    return `${this.origin}/api/staff/events`;
  }

  /** Downloads go through the server's access check, as an attachment. */
  documentUrl(appointmentId: string, documentId: string) {
    return `${this.origin}/api/staff/appointments/${segment(appointmentId)}/documents/${segment(documentId)}/file`;
  }

  dashboardCsvUrl(from: string, to: string) {
    return `${this.origin}/api/staff/dashboard.csv?${new URLSearchParams({ from, to })}`;
  }

  feedbackCommentsCsvUrl(from: string, to: string) {
    return `${this.origin}/api/staff/dashboard/comments.csv?${new URLSearchParams({ from, to })}`;
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const e = await toApiError(error);
      if (e.status === 401 && e.code === 'not_signed_in') {
        this.csrf = undefined;
        this.onSignedOut?.();
      }
      throw e;
    }
  }

  private remember(info: SessionInfo): SessionInfo {
    this.csrf = { header: info.csrfHeader, token: info.csrfToken };
    return info;
  }

  private get = <T>(path: string, searchParams?: Record<string, string>) =>
    this.call(() => this.http.get(path, searchParams ? { searchParams } : {}).json<T>());
  private send = <T>(method: 'post' | 'patch' | 'put', path: string, json?: unknown) =>
    this.call(() => this.http[method](path, json === undefined ? {} : { json }).json<T>());
  private noContent = (method: 'post' | 'delete', path: string, json?: unknown) =>
    this.call(async () => void (await this.http[method](path, json === undefined ? {} : { json })));

  /** Resolves with the session, or rejects with 401 `not_signed_in` (without calling onSignedOut). */
  async session(): Promise<SessionInfo> {
    try {
      return this.remember(await this.http.get('staff/session').json<SessionInfo>());
    } catch (error) {
      throw await toApiError(error);
    }
  }

  login = async (email: string, password: string) =>
    this.remember(await this.call(() => this.http.post('staff/login', { json: { email, password } }).json<SessionInfo>()));
  /** Resolves with where to go next: the identity provider's sign-out page for an OIDC session. */
  logout = async (): Promise<string | undefined> => {
    const response = await this.call(() => this.http.post('staff/logout'));
    this.csrf = undefined;
    return response.status === 200 ? (await response.json<SignedOut>()).redirectTo : undefined;
  };

  /** Which ways to sign in this server offers (no session needed). */
  signInOptions = () => this.get<SignInOptions>('staff/sign-in-options');
  /** The second step: the app's code or a recovery code; a finished sign-in has a new session and CSRF token. */
  totpSignIn = async (input: TotpSignInRequest) =>
    this.remember(await this.send<SessionInfo>('post', 'staff/login/totp', 'code' in input ? { code: input.code } : { recoveryCode: input.recoveryCode }));
  /** One's own password instead of a temporary one, as a step of signing in. */
  choosePassword = async (currentPassword: string, newPassword: string) =>
    this.remember(await this.send<SessionInfo>('post', 'staff/password', { currentPassword, newPassword }));
  mfa = () => this.get<MfaStatus>('staff/mfa');
  totpSetup = () => this.send<TotpSetup>('post', 'staff/mfa/totp/setup', {});
  totpConfirm = async (code: string) => {
    const answer = await this.send<{ recoveryCodes: string[]; session: SessionInfo }>('post', 'staff/mfa/totp/confirm', { code });
    this.remember(answer.session);
    return answer;
  };
  totpRemove = (code: string) => this.noContent('post', 'staff/mfa/totp/remove', { code });
  updateAccount = (id: string, input: UpdateAccountRequest) =>
    this.send<Account>('patch', `staff/accounts/${segment(id)}`, { role: input.role, active: input.active } satisfies UpdateAccountRequest);
  passwordResetLink = (id: string) => this.send<PasswordResetLink>('post', `staff/accounts/${segment(id)}/password-link`, {});
  changePassword = (currentPassword: string, newPassword: string) =>
    this.noContent('post', 'staff/password', { currentPassword, newPassword });
  /** With a one-time link's token: no session needed; answers the account's e-mail address. */
  setPasswordWithLink = (token: string, newPassword: string) =>
    this.send<{ email: string }>('post', 'staff/password-link', { token, newPassword });

  accounts = () => this.get<Account[]>('staff/accounts');
  createAccount = (input: CreateAccountRequest & { role: Role }) =>
    this.send<Account>('post', 'staff/accounts', {
      name: input.name,
      email: input.email,
      role: input.role,
      password: input.password,
      serviceIds: input.serviceIds,
    } satisfies CreateAccountRequest);

  agenda = (q: AgendaQuery) =>
    this.get<Agenda>('staff/agenda', { days: String(q.days), staff: q.staff, ...(q.from ? { from: q.from } : {}) });
  appointment = (id: string) => this.get<Dossier>(`staff/appointments/${segment(id)}`);
  updateNotes = (id: string, patch: { notes: string | null; nextSteps: string | null }) =>
    this.send<Dossier>('patch', `staff/appointments/${segment(id)}`, { notes: patch.notes, nextSteps: patch.nextSteps } satisfies DossierPatch);
  cancel = (id: string, message: string) => this.send<Dossier>('post', `staff/appointments/${segment(id)}/cancel`, { message });
  followUp = (id: string, r: FollowUpRequest) =>
    this.send<Dossier>('post', `staff/appointments/${segment(id)}/follow-up`, {
      start: r.start,
      channel: r.channel,
      locationId: r.locationId,
      serviceId: r.serviceId,
      note: r.note,
    } satisfies FollowUpRequest);
  /** The body is built field by field: the server's schema is strict. */
  bookForCitizen = (r: CitizenBookingRequest) =>
    this.send<Dossier>('post', 'staff/appointments', {
      serviceId: r.serviceId,
      start: r.start,
      channel: r.channel,
      locationId: r.locationId,
      lang: r.lang,
      citizen: { name: r.citizen.name, email: r.citizen.email || undefined, phone: r.citizen.phone || undefined },
    } satisfies StaffBookingRequest);
  markNoShow = (id: string) => this.send<Dossier>('post', `staff/appointments/${segment(id)}/no-show`);
  markHeld = (id: string) => this.send<Dossier>('post', `staff/appointments/${segment(id)}/held`);

  services = () => this.get<AdminService[]>('staff/services');
  createService = (service: CreateServiceRequest) =>
    this.send<AdminService>('post', 'staff/services', { id: service.id, ...serviceBody(service) } as CreateServiceRequest);
  updateService = (id: string, patch: UpdateServiceRequest) => this.send<AdminService>('patch', `staff/services/${segment(id)}`, serviceBody(patch));
  hours = (staffId: string) => this.get<OpeningHours[]>('staff/opening-hours', { staff: staffId });
  replaceHours = (staffId: string, hours: HoursBlock[]) =>
    this.send<OpeningHours[]>('put', `staff/opening-hours/${segment(staffId)}`, {
      hours: hours.map((h) => ({ weekday: h.weekday, startTime: h.startTime, endTime: h.endTime, channel: h.channel, locationId: h.locationId })),
    });
  closures = () => this.get<Closure[]>('staff/closures');
  addClosure = (c: ClosureRequest) =>
    this.send<Closure>('post', 'staff/closures', {
      staffId: c.staffId ?? null,
      dateFrom: c.dateFrom,
      dateTo: c.dateTo,
      reason: c.reason,
    } satisfies ClosureRequest);
  removeClosure = (id: number) => this.noContent('delete', `staff/closures/${id}`);
  dashboard = (from: string, to: string) => this.get<DashboardData>('staff/dashboard', { from, to });
  feedbackComments = (from: string, to: string) => this.get<FeedbackCommentList>('staff/dashboard/comments', { from, to });
  /** Only the filters that are set go in the query: the server's schema is strict. */
  accessLog = (q: AccessLogQuery) =>
    this.get<AccessLogPage>('staff/access-log', Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])));

  /** A citizen's access and erasure requests (a beheerder only). The person goes in the body, never the address. */
  findPerson = (q: PersonQuery) => this.send<{ appointments: PersonAppointment[] }>('post', 'staff/privacy/search', q);
  /** The zip of everything about the person, and the file name the server gave it. */
  exportPerson = (q: PersonQuery) =>
    this.call(async () => {
      const response = await this.http.post('staff/privacy/export', { json: q });
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'gegevens.zip';
      return { blob: await response.blob(), name };
    });
  erasePerson = (q: PersonQuery) => this.send<{ erasure: ErasureRecord }>('post', 'staff/privacy/erase', { ...q, confirm: true });
  erasures = () => this.get<{ erasures: ErasureRecord[] }>('staff/privacy/erasures');

  /** Citizen API, same server: the locations a counter block can use. */
  locations = () => this.get<Location[]>('locations');
}

/** The server's `{ error: { code, message, fields, details } }` as an ApiError; `network` when unreachable. */
async function toApiError(error: unknown): Promise<ApiError> {
  if (error instanceof ApiError) return error;
  if (!(error instanceof HTTPError)) return new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
  const body = (await error.response.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string; fields?: Record<string, string>; details?: Record<string, unknown> };
  };
  const e = body.error ?? {};
  const details = { ...e.details };
  const retryAfter = Number(error.response.headers.get('retry-after'));
  if (details.retryAfterSeconds === undefined && retryAfter > 0) details.retryAfterSeconds = retryAfter;
  return new ApiError(error.response.status, e.code ?? 'http_error', e.message ?? error.message, e.fields ?? {}, details);
}
