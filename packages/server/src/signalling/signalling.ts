import type { Context, Next } from 'koa';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HttpError } from '../http/errors.ts';
import { meetingParamProblem } from '../meetings/meeting-param.ts';
import type { AuthorizedPeer, ConnectedPeer, MeetingRooms } from '../meetings/rooms.ts';
import { GuardedSocket } from './guarded-socket.ts';
import { messageGate, type RateLimit } from './message-gate.ts';
import { peerServer } from './peer-server.ts';

export interface SignallingLimits {
  /** Largest message a peer may send; SDP with many candidates stays far below it. ws closes with 1009 above it. */
  maxPayloadBytes: number;
  rate: RateLimit;
  /** PeerJS drops a peer that sent no HEARTBEAT for this long. */
  aliveTimeoutMs: number;
  /**
   * Open sockets one person (one link, one staff member) may hold in a meeting. One tab needs one; a
   * reload or a network change can leave the old one open until PeerJS notices it is dead.
   */
  socketsPerHolder: number;
  /**
   * Open sockets of one meeting's citizen and companions together (staff are not counted): the
   * citizen and two companions need three, the rest is room for reloads.
   */
  socketsPerMeeting: number;
}

export const defaultSignallingLimits = {
  maxPayloadBytes: 64 * 1024,
  rate: { burst: 200, perSecond: 40 },
  aliveTimeoutMs: 90_000,
  socketsPerHolder: 3,
  socketsPerMeeting: 8,
} satisfies SignallingLimits;

/** WebSocket close code for a peer that sent too many messages (RFC 6455 §7.4.1: policy violation). */
export const RATE_LIMITED_CLOSE = { code: 1008, reason: 'rate_limited' } as const;

export interface SignallingDeps {
  /** `/signal`: HTTP below it goes to the PeerJS server, the WebSocket lives at `<path>/peerjs`. */
  path: string;
  key: string;
  /** Checks `id` + `token` of an upgrade; rejects with an HttpError to refuse it. */
  authorize: (peerId: string, credential: string) => Promise<AuthorizedPeer>;
  rooms: MeetingRooms;
  /** Browser origins that may open a socket or read /signal besides PUBLIC_URL's (ALLOWED_ORIGINS; `*` for any). */
  allowedOrigins: string[];
  /** PUBLIC_URL's origin. Never the request's Host header: a client chooses that one. */
  publicOrigin: string;
  log: (message: string, error?: unknown) => void;
  limits?: Partial<SignallingLimits>;
}

/** One open signalling socket and whose it is. */
interface Seat {
  ws: GuardedSocket;
  peer: AuthorizedPeer;
  /** Settles once the socket closed and `peer` forgot its client. */
  closed: Promise<unknown>;
}

/**
 * The PeerJS server on our own HTTP server. We route WebSocket upgrades ourselves and check the
 * credential from POST /join before `peer` sees the socket; every message then passes a gate that
 * keeps signals inside one meeting among admitted peers, and limits size and rate.
 */
export function signalling(deps: SignallingDeps) {
  const limits: SignallingLimits = { ...defaultSignallingLimits, ...deps.limits };
  const socketPath = `${deps.path}/peerjs`;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    WebSocket: GuardedSocket,
    perMessageDeflate: false,
  });
  let peers: ReturnType<typeof peerServer> | undefined;
  let server: Server | undefined;
  let closing = false;
  /** Open sockets by peer id, and by meeting in the order they opened (oldest first). */
  const seats = new Map<string, Seat>();
  const seatsByMeeting = new Map<string, Set<Seat>>();
  /** Upgrades and connections still waiting for the database; `close` lets them finish. */
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    const tracked = work.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  /** A browser origin that may use signalling: PUBLIC_URL's or one of ALLOWED_ORIGINS, never one derived from Host. */
  const originAllowed = (origin: string) => origin === deps.publicOrigin || deps.allowedOrigins.includes('*') || deps.allowedOrigins.includes(origin);

  function refuse(socket: Duplex, status: number, code: string, message: string) {
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  }

  /**
   * The socket a new one of `peer` replaces, or the reason it may not open. The same peer id
   * reconnecting replaces its old socket (PeerJS would answer ID-TAKEN or, with the same token, no
   * OPEN at all), so a dropped civil servant always gets back in. The caps hold what one personal
   * link can open; signed-in staff are neither counted nor refused: the call cannot happen without them.
   */
  function seatFor(peer: AuthorizedPeer): { replaces: Seat[] } | { status: number; code: string; message: string } {
    const previous = seats.get(peer.peerId);
    const replaces = previous ? [previous] : [];
    if (peer.role === 'staff') return { replaces };
    const others = [...(seatsByMeeting.get(peer.meetingId) ?? [])].filter((seat) => seat !== previous && seat.peer.role !== 'staff');
    if (others.filter((seat) => seat.peer.holder === peer.holder).length >= limits.socketsPerHolder) {
      return {
        status: 429,
        code: 'too_many_connections',
        message: `This link already has ${limits.socketsPerHolder} open connections to the call. Close the call in another tab or window and try again.`,
      };
    }
    if (others.length >= limits.socketsPerMeeting) {
      return { status: 429, code: 'meeting_full', message: 'This conversation has as many connections as it can take. Please try again in a minute.' };
    }
    return { replaces };
  }

  function take(seat: Seat) {
    seats.set(seat.peer.peerId, seat);
    let room = seatsByMeeting.get(seat.peer.meetingId);
    if (!room) seatsByMeeting.set(seat.peer.meetingId, (room = new Set()));
    room.add(seat);
  }

  function leave(seat: Seat) {
    if (seats.get(seat.peer.peerId) === seat) seats.delete(seat.peer.peerId);
    const room = seatsByMeeting.get(seat.peer.meetingId);
    room?.delete(seat);
    if (room?.size === 0) seatsByMeeting.delete(seat.peer.meetingId);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    track(
      upgrade(req, socket, head).catch((error: unknown) => {
        deps.log('signalling upgrade failed', error);
        socket.destroy();
      }),
    );
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://upgrade.invalid');
    if (url.pathname !== socketPath) {
      // Another feature may route its own upgrades; when none does, nobody answers but us.
      if (server?.listenerCount('upgrade') === 1) refuse(socket, 404, 'not_found', 'There is nothing at this address.');
      return;
    }
    if (closing) return refuse(socket, 503, 'stopping', 'The server is restarting. Please try again.');
    const origin = req.headers.origin;
    // Without an Origin it is not a browser page: the credential is what counts.
    if (origin !== undefined && !originAllowed(origin)) return refuse(socket, 403, 'cross_origin', 'This site may not open a signalling connection.');
    const names = [...url.searchParams.keys()];
    if (new Set(names).size !== names.length) {
      // `peer` reads the last of a repeated parameter, we would check the first: one meaning only.
      return refuse(socket, 400, 'bad_request', 'Each query parameter (key, id, token, meeting) may appear only once.');
    }
    // The raw text as the load balancer read it (meeting-param.ts); `url` has been normalised.
    const target = req.url ?? '';
    const rawQuery = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
    const id = url.searchParams.get('id');
    const token = url.searchParams.get('token');
    if (url.searchParams.get('key') !== deps.key || !id || !token || token.length > 2048) {
      return refuse(socket, 400, 'bad_request', 'Connect with the key, id and token from POST /api/meeting/join.');
    }
    let peer: AuthorizedPeer;
    try {
      peer = await deps.authorize(id, token);
    } catch (error) {
      if (closing) return refuse(socket, 503, 'stopping', 'The server is restarting. Please try again.');
      if (error instanceof HttpError) return refuse(socket, error.status, error.code, error.message);
      deps.log('signalling upgrade failed', error);
      return refuse(socket, 500, 'internal', 'Something went wrong on our side. Please try again.');
    }
    // The database answered; meanwhile the client may have gone, or the server begun to stop. From
    // here to `take` nothing waits, so the caps count every socket that got this far.
    if (socket.destroyed) return;
    if (closing) return refuse(socket, 503, 'stopping', 'The server is restarting. Please try again.');
    // `meeting` routed this socket to the instance holding its meeting: it must be the credential's.
    const wrongMeeting = meetingParamProblem(rawQuery, peer.meetingId);
    if (wrongMeeting) return refuse(socket, 400, 'bad_request', wrongMeeting);
    const seat = seatFor(peer);
    if (!('replaces' in seat)) return refuse(socket, seat.status, seat.code, seat.message);
    // `peer` parses the URL again: it gets exactly what we authorized and nothing else (no `meeting`).
    req.url = `${socketPath}?${new URLSearchParams({ key: deps.key, id: peer.peerId, token })}`;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const guarded = ws as GuardedSocket;
      const taken: Seat = { ws: guarded, peer, closed: new Promise((resolve) => guarded.once('close', resolve)) };
      take(taken);
      guarded.once('close', () => leave(taken));
      const connected: ConnectedPeer = {
        ...peer,
        close: (code, reason) => guarded.close(code, reason),
        notify: (notice) => {
          if (guarded.readyState === guarded.OPEN) guarded.send(JSON.stringify(notice));
        },
      };
      guarded.gate = messageGate({
        peerId: peer.peerId,
        rooms: deps.rooms,
        limit: limits.rate,
        onAbuse: () => guarded.close(RATE_LIMITED_CLOSE.code, RATE_LIMITED_CLOSE.reason),
      });
      // The replaced socket is cut, not closed politely: a dead one would hold its id for the close
      // handshake's 30 s. `peer` forgets a client when its socket closes; only then does the new
      // socket reach it, so it registers afresh and gets OPEN.
      for (const old of seat.replaces) old.ws.terminate();
      // `rooms.connect` reads the meeting's admissions first: only then does the socket count as
      // connected and reach `peer`; should it close meanwhile, it leaves the room at once.
      track(
        Promise.all(seat.replaces.map((old) => old.closed))
          .then(async () => {
            if (guarded.readyState !== guarded.OPEN) return;
            await deps.rooms.connect(connected);
            if (guarded.readyState !== guarded.OPEN) return deps.rooms.disconnect(connected);
            guarded.on('close', () => deps.rooms.disconnect(connected));
            wss.emit('connection', guarded, req);
          })
          .catch((error: unknown) => {
            deps.log('signalling connection failed', error);
            guarded.terminate();
          }),
      );
    });
  }

  return {
    /** Hands HTTP under the path to the PeerJS server (CORS by our allow-list); mount before any body parser. */
    middleware: async function signallingHttp(ctx: Context, next: Next) {
      if (!peers || (ctx.path !== deps.path && !ctx.path.startsWith(`${deps.path}/`))) return next();
      ctx.respond = false;
      // Koa starts every response as a 404; Express only sets a status when it is not 200.
      ctx.res.statusCode = 200;
      peers.handle(ctx.req as never, ctx.res as never);
    },

    /** Starts the PeerJS server on this HTTP server and takes over its upgrade routing. */
    attach(httpServer: Server) {
      server = httpServer;
      peers = peerServer({
        server,
        path: deps.path,
        key: deps.key,
        wss,
        aliveTimeoutMs: limits.aliveTimeoutMs,
        corsOrigin: originAllowed,
      });
      // Socket errors (an oversized frame, a reset) are the client's; ws closes that socket already.
      // `peer` re-emits them on its app, where an 'error' without a listener would crash the process.
      peers.events.on('error', () => {});
      server.on('upgrade', onUpgrade);
    },

    /**
     * Cuts every signalling socket at once and stops the PeerJS timers; part of app.stop(). Resolves
     * once every socket has closed and left its room, and every upgrade still asking the database
     * has its answer: both touch the database, which the app closes next.
     */
    async close() {
      closing = true;
      server?.off('upgrade', onUpgrade);
      // An upgrade still waiting refuses once it has its answer (`closing`); a connection still
      // waiting reaches `peer` and is cut below with the rest.
      while (inFlight.size) await Promise.all(inFlight);
      const closed = [...wss.clients].map((ws) => new Promise((resolve) => ws.once('close', resolve)));
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      peers?.close();
      await Promise.all(closed);
    },
  };
}

export type Signalling = ReturnType<typeof signalling>;
