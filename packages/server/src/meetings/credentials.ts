import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MeetingRole } from './rooms.ts';

/** What a signalling credential vouches for: this peer id, in this meeting, as this person. */
export interface PeerGrant {
  meetingId: string;
  role: MeetingRole;
  /** `citizen`, `companion:<id>` or `staff:<id>` (see ConnectedPeer.holder). */
  holder: string;
  /** Unix seconds. */
  expiresAt: number;
}

/**
 * 128 random bits as hex: unguessable, and inside the id alphabet PeerJS clients accept
 * (letters and digits; `-` and `_` only between them, which base64url cannot promise).
 */
export const newPeerId = () => randomBytes(16).toString('hex');

const ROLES = new Set<MeetingRole>(['staff', 'citizen', 'companion']);

/**
 * Signalling credentials are stateless HMACs, so they survive a restart and cost no storage:
 * `<base64url JSON grant>.<base64url HMAC-SHA256(secret, peerId + grant)>`. The peer id is part of
 * the MAC, so a credential opens exactly one peer id.
 */
export function peerCredentials(tokenSecret: string) {
  // A key of its own: a signalling credential can never double as any other token.
  const key = createHmac('sha256', tokenSecret).update('balie:signalling-credential:v1').digest();
  const mac = (peerId: string, payload: string) => createHmac('sha256', key).update(`${peerId}\n${payload}`).digest();

  return {
    issue(peerId: string, grant: PeerGrant): string {
      const payload = Buffer.from(JSON.stringify({ m: grant.meetingId, r: grant.role, h: grant.holder, e: grant.expiresAt })).toString('base64url');
      return `${payload}.${mac(peerId, payload).toString('base64url')}`;
    },

    /** The grant behind a credential, or undefined when it is forged, for another peer id, or expired. */
    verify(peerId: string, credential: string, nowMs: number): PeerGrant | undefined {
      const [payload, signature, extra] = credential.split('.');
      if (!payload || !signature || extra !== undefined) return undefined;
      const expected = mac(peerId, payload);
      const presented = Buffer.from(signature, 'base64url');
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
      const { m, r, h, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof m !== 'string' || typeof h !== 'string' || typeof e !== 'number' || !ROLES.has(r as MeetingRole)) return undefined;
      if (e * 1000 <= nowMs) return undefined;
      return { meetingId: m, role: r as MeetingRole, holder: h, expiresAt: e };
    },
  };
}

export type PeerCredentials = ReturnType<typeof peerCredentials>;

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest-00, as coturn's `--use-auth-secret`
 * implements it): username `<expiry unix>:<peer id>`, password base64(HMAC-SHA1(secret, username)).
 * Without TURN the list is empty: P2P on host candidates, and never a public STUN server (DESIGN.md).
 */
export function iceServersFor(turn: { urls: string[]; secret: string | undefined }, peerId: string, expiresAt: number): RTCIceServer[] {
  if (!turn.urls.length || !turn.secret) return [];
  const username = `${expiresAt}:${peerId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return [{ urls: turn.urls, username, credential }];
}
