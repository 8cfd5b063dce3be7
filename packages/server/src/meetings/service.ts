import { DateTime } from 'luxon';
import type { LinkHolder } from '../booking/service.ts';
import { ZONE } from '../booking/slots.ts';
import { isRemoteEvent } from '../db/change-feed.ts';
import type { EventBus } from '../events.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { StaffAccount } from '../staff/identity.ts';
import { iceServersFor, newPeerId, type PeerCredentials } from './credentials.ts';
import type { AuthorizedPeer, MeetingRole, MeetingRooms } from './rooms.ts';
import type { DeviceParts } from '@digitale-balie/contract';
import type { MeetingRow, MeetingStore } from './store.ts';

const MINUTE = 60_000;

/** When a meeting can be joined, relative to the appointment. */
export const meetingWindow = {
  opensBeforeStartMs: 15 * MINUTE,
  closesAfterEndMs: 120 * MINUTE,
} as const;

/** Where and how the widget reaches the PeerJS server. */
export const SIGNAL = { path: '/signal', key: 'balie' } as const;

/** WebSocket close code (private range 4000–4999) sent to every peer when staff end the meeting. */
export const MEETING_ENDED_CLOSE = { code: 4000, reason: 'meeting_ended' } as const;

/** WebSocket close code sent to a companion the citizen or staff removed from the appointment. */
export const NOT_INVITED_CLOSE = { code: 4001, reason: 'not_invited' } as const;

export interface MeetingServiceDeps {
  store: MeetingStore;
  rooms: MeetingRooms;
  credentials: PeerCredentials;
  events: EventBus;
  /** `relayOnly`: every call goes through TURN, so participants never see each other's IP address. */
  turn: { urls: string[]; secret: string | undefined; relayOnly: boolean };
  now: () => Date;
  log: (message: string, error?: unknown) => void;
}

/** Over: ended by staff, or the outcome was recorded in the dossier. */
const isEnded = (row: MeetingRow) => row.callEndedAt !== null || row.status === 'held' || row.status === 'no_show';

const splitHolder = (holder: string): [kind: string, id: string] => {
  const colon = holder.indexOf(':');
  return colon < 0 ? [holder, ''] : [holder.slice(0, colon), holder.slice(colon + 1)];
};

const holderOf = (holder: LinkHolder) =>
  holder.role === 'citizen'
    ? { role: 'citizen' as const, key: 'citizen', name: holder.appointment.citizenName }
    : { role: 'companion' as const, key: `companion:${holder.companion.id}`, name: holder.companion.name };

/** The video call around an appointment: joining, the waiting room, ending, and what comes after. */
export function meetingService(deps: MeetingServiceDeps) {
  const { store, rooms, credentials, events } = deps;
  const nowIso = () => deps.now().toISOString();

  const requireRow = async (id: string) => {
    const row = await store.get(id);
    if (!row) throw notFound('This appointment');
    return row;
  };

  function requireVideo(row: MeetingRow) {
    if (row.status === 'cancelled') throw new HttpError(410, 'appointment_cancelled', 'This appointment was cancelled.');
    if (row.channel !== 'video') throw new HttpError(409, 'not_video', 'This appointment takes place at the counter, not by video.');
  }

  /** The meeting as it can be joined right now, or the reason it cannot. */
  async function requireJoinable(id: string): Promise<MeetingRow> {
    const row = await requireRow(id);
    requireVideo(row);
    if (isEnded(row)) throw new HttpError(410, 'meeting_ended', 'This conversation has ended.');
    const now = deps.now().getTime();
    const opensAt = Date.parse(row.startAt) - meetingWindow.opensBeforeStartMs;
    if (now < opensAt) {
      const at = new Date(opensAt).toISOString();
      throw new HttpError(409, 'too_early', 'The conversation opens 15 minutes before the appointment.', { opensAt: at });
    }
    if (now >= Date.parse(row.endAt) + meetingWindow.closesAfterEndMs) {
      throw new HttpError(410, 'meeting_closed', 'The time for this conversation is over.');
    }
    return row;
  }

  async function join(row: MeetingRow, who: { role: MeetingRole; key: string; name: string }) {
    const peerId = newPeerId();
    const expiresAt = Math.floor((Date.parse(row.endAt) + meetingWindow.closesAfterEndMs) / 1000);
    return {
      meetingId: row.id,
      peerId,
      credential: credentials.issue(peerId, { meetingId: row.id, role: who.role, holder: who.key, expiresAt }),
      role: who.role,
      name: who.name,
      iceServers: iceServersFor(deps.turn, peerId, expiresAt),
      iceTransportPolicy: deps.turn.relayOnly && deps.turn.urls.length ? ('relay' as const) : ('all' as const),
      signal: { ...SIGNAL },
      admitted: await rooms.isAdmitted(row.id, who.role, who.key),
    };
  }

  /** Work started by events and presence changes; `settled` waits for it (the app closes the database next). */
  const pending = new Set<Promise<void>>();
  const inBackground = (what: string, work: Promise<void>) => {
    const tracked = work.catch((error: unknown) => deps.log(`${what} failed`, error)).finally(() => pending.delete(tracked));
    pending.add(tracked);
  };

  // The waiting room as the agenda shows it, and the moment the call really started.
  const waitingSeen = new Map<string, string>();
  async function presenceChanged(meetingId: string) {
    const row = await store.get(meetingId);
    if (!row) return;
    // Presence as it is now, after the read: a later change gets its own turn.
    const { participants, waiting } = rooms.presence(meetingId);
    const seen = waiting.map((p) => p.peerId).sort().join(',');
    if (seen !== (waitingSeen.get(meetingId) ?? '')) {
      if (seen) waitingSeen.set(meetingId, seen);
      else waitingSeen.delete(meetingId);
      await store.setWaiting(meetingId, waiting.length > 0 && !isEnded(row), nowIso());
      events.emit('meeting.waiting', { appointmentId: meetingId, staffId: row.staffId, waiting: waiting.length });
    }
    if (participants.length >= 2 && !row.callStartedAt && !isEnded(row) && (await store.markCallStarted(meetingId, nowIso()))) {
      events.emit('meeting.started', { appointmentId: meetingId, staffId: row.staffId });
    }
  }
  /** One meeting's presence updates one after the other, so its waiting flag ends as its last change left it. */
  const presenceQueue = new Map<string, Promise<void>>();
  rooms.onChange((meetingId) => {
    const update = (presenceQueue.get(meetingId) ?? Promise.resolve()).then(() => presenceChanged(meetingId));
    inBackground('presence update', update);
    const queued: Promise<void> = update
      .catch(() => {}) // logged by inBackground
      .then(() => {
        if (presenceQueue.get(meetingId) === queued) presenceQueue.delete(meetingId);
      });
    presenceQueue.set(meetingId, queued);
  });

  // An appointment closed elsewhere (cancelled, or held or no-show in the dossier) closes its call too.
  const closeRoom = ({ appointmentId }: { appointmentId: string }) =>
    inBackground('closing a meeting', rooms.close(appointmentId, MEETING_ENDED_CLOSE.code, MEETING_ENDED_CLOSE.reason));
  events.on('appointment.cancelled', closeRoom);
  events.on('appointment.updated', (e) => {
    if (e.change !== 'notes') closeRoom(e);
  });
  // Ended through another instance (a console without `meeting`, or in a failover): the sockets
  // held here close too. Here `end` closed them before it told anyone.
  events.on('meeting.ended', (e) => {
    if (isRemoteEvent(e)) closeRoom(e);
  });
  // A removed companion's credential is refused at the next upgrade; the socket they hold now is
  // closed here, so they leave the call and its participant list at once.
  async function dismissRemoved(appointmentId: string) {
    for (const holder of rooms.holders(appointmentId)) {
      const [kind, id] = splitHolder(holder);
      if (kind === 'companion' && !(await store.companion(appointmentId, id))) {
        await rooms.dismiss(appointmentId, holder, NOT_INVITED_CLOSE.code, NOT_INVITED_CLOSE.reason);
      }
    }
  }
  events.on('appointment.companions-changed', ({ appointmentId }) => inBackground('dismissing removed companions', dismissRemoved(appointmentId)));

  return {
    /** POST /api/meeting/join */
    async joinAsHolder(holder: LinkHolder) {
      return join(await requireJoinable(holder.appointment.id), holderOf(holder));
    },

    /** POST /api/staff/appointments/:id/join: any signed-in staff member, always admitted. */
    async joinAsStaff(staff: StaffAccount, appointmentId: string) {
      return join(await requireJoinable(appointmentId), { role: 'staff', key: `staff:${staff.id}`, name: staff.name });
    },

    /**
     * GET /api/meeting/state. Admission belongs to the person, so `peerId` only has to be theirs.
     * Someone in the waiting room sees no participants: their peer ids are for those in the call.
     */
    async stateFor(holder: LinkHolder) {
      const row = await requireRow(holder.appointment.id);
      requireVideo(row);
      const who = holderOf(holder);
      const ended = isEnded(row);
      const admitted = await rooms.isAdmitted(row.id, who.role, who.key);
      return {
        admitted,
        ended,
        nextSteps: ended ? row.nextSteps : null,
        participants: ended || !admitted ? [] : rooms.presence(row.id).participants,
        // Whoever answered the survey (citizen or companion), it is not offered again.
        feedbackGiven: row.feedbackGiven === 1,
        prefersText: row.prefersText === 1,
      };
    },

    /** GET /api/staff/appointments/:id/meeting */
    async staffState(appointmentId: string) {
      const row = await requireRow(appointmentId);
      const ended = isEnded(row);
      const presence = ended ? { waiting: [], participants: [] } : rooms.presence(row.id);
      return { waiting: presence.waiting, participants: presence.participants, ended, prefersText: row.prefersText === 1 };
    },

    /** POST /api/staff/appointments/:id/admit: one waiting peer, or everyone waiting. */
    async admit(appointmentId: string, peerId: string | undefined) {
      const row = await requireRow(appointmentId);
      if (isEnded(row)) throw new HttpError(409, 'meeting_ended', 'This conversation has ended.');
      const admitted = await rooms.admit(row.id, peerId === undefined ? undefined : [peerId]);
      if (peerId !== undefined && !admitted.length) throw new HttpError(404, 'peer_not_waiting', 'This participant is not in the waiting room (any more).');
      if (admitted.length) events.emit('meeting.admitted', { appointmentId: row.id, staffId: row.staffId, peerIds: admitted.map((p) => p.peerId) });
      // Answered once the agenda has it too: the waiting flag and, with two in the call, its start.
      await presenceQueue.get(row.id);
    },

    /** POST /api/staff/appointments/:id/end: held, with call times and next steps; everyone is disconnected. */
    async end(staff: StaffAccount, appointmentId: string, nextSteps: string | undefined) {
      const row = await requireRow(appointmentId);
      if (row.status === 'cancelled' || row.status === 'no_show') throw new HttpError(409, 'not_booked', `This appointment is ${row.status.replace('_', '-')}.`);
      if (row.callEndedAt || !(await store.end(row.id, nowIso(), staff.id, nextSteps?.trim() || null))) {
        throw new HttpError(409, 'meeting_ended', 'This conversation has already ended.');
      }
      waitingSeen.delete(row.id);
      await rooms.close(row.id, MEETING_ENDED_CLOSE.code, MEETING_ENDED_CLOSE.reason);
      events.emit('meeting.ended', { appointmentId: row.id, staffId: row.staffId });
    },

    /** POST /api/meeting/device-check: the agenda shows the citizen's result as readiness. */
    async recordDeviceCheck(holder: LinkHolder, input: { result: 'passed' | 'failed'; audioOnly: boolean; parts?: DeviceParts | undefined }) {
      const row = await requireRow(holder.appointment.id);
      requireVideo(row);
      // A companion's camera says nothing about whether the citizen is ready.
      if (holder.role !== 'citizen') return;
      const parts = input.parts ?? null;
      await store.recordDeviceCheck(row.id, input.result, input.audioOnly, parts, nowIso());
      events.emit('meeting.device-checked', { appointmentId: row.id, staffId: row.staffId, result: input.result, parts });
    },

    /**
     * POST /api/meeting/feedback: once per appointment, anonymous; after the end, or once the person
     * left a call that took place (issue 11: a citizen who hangs up first is asked too).
     */
    async submitFeedback(holder: LinkHolder, input: { score: number; comment?: string | undefined }) {
      const row = await requireRow(holder.appointment.id);
      requireVideo(row);
      const leftTheCall = row.callStartedAt !== null && !rooms.holders(row.id).includes(holderOf(holder).key);
      if (!isEnded(row) && !leftTheCall) {
        throw new HttpError(409, 'meeting_not_ended', 'Feedback can be given once you have left the conversation or it has ended.');
      }
      const day = DateTime.fromJSDate(deps.now(), { zone: ZONE }).startOf('day').toUTC().toISO()!;
      const stored = await store.addFeedback(row.id, { serviceId: row.serviceId, score: input.score, comment: input.comment?.trim() || null, day });
      if (!stored) throw new HttpError(409, 'feedback_given', 'Feedback for this appointment was already given. Thank you!');
      events.emit('feedback.submitted', { appointmentId: row.id, staffId: row.staffId, score: input.score });
    },

    /**
     * Checks a signalling credential at the WebSocket upgrade. The meeting must still be open and
     * the person still invited (a removed companion's credential stops working).
     */
    async authorizePeer(peerId: string, credential: string): Promise<AuthorizedPeer> {
      const grant = credentials.verify(peerId, credential, deps.now().getTime());
      if (!grant) throw new HttpError(401, 'invalid_credential', 'This signalling credential is not valid: join the meeting again.');
      const row = await store.get(grant.meetingId);
      if (!row) throw new HttpError(401, 'invalid_credential', 'This signalling credential is not valid: join the meeting again.');
      if (row.status === 'cancelled' || isEnded(row)) throw new HttpError(410, 'meeting_ended', 'This conversation has ended.');
      const [kind, id] = splitHolder(grant.holder);
      const companion = kind === 'companion' ? await store.companion(row.id, id) : undefined;
      const name = kind === 'citizen' ? row.citizenName : kind === 'companion' ? companion?.name : await store.staffName(id);
      if (name === undefined) throw new HttpError(401, 'invalid_credential', 'This participant is no longer invited.');
      return { peerId, meetingId: row.id, role: grant.role, holder: grant.holder, name, ...(companion ? { companionRole: companion.role } : {}) };
    },

    /** Resolves once the work that presence changes and events started has finished. */
    async settled() {
      while (pending.size) await Promise.all(pending);
    },
  };
}

export type MeetingService = ReturnType<typeof meetingService>;
