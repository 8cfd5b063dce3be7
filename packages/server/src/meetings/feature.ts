import type Koa from 'koa';
import type { Server } from 'node:http';
import type { BookingService } from '../booking/service.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { EventBus } from '../events.ts';
import { signalling, type SignallingLimits } from '../signalling/signalling.ts';
import { peerCredentials } from './credentials.ts';
import { meetingRooms } from './rooms.ts';
import { meetingRoutes, staffMeetingRoutes } from './routes.ts';
import { meetingService, meetingWindow, SIGNAL } from './service.ts';
import { meetingStore } from './store.ts';

export interface MeetingsFeatureDeps {
  config: Config;
  db: Db;
  booking: BookingService;
  events: EventBus;
  log: (message: string, error?: unknown) => void;
  signallingLimits?: Partial<SignallingLimits>;
}

/**
 * The video call's server side: the meeting API and the PeerJS signalling it hands out credentials for.
 * `signallingHttp` goes before the body parser, `mount` after the staff feature (its gate guards
 * /api/staff), `attach` once the HTTP server exists, `close` in app.stop().
 */
export function meetingsFeature(deps: MeetingsFeatureDeps) {
  const { config } = deps;
  const store = meetingStore(deps.db);
  const rooms = meetingRooms(store.admissions);
  const meetings = meetingService({
    store,
    rooms,
    credentials: peerCredentials(config.tokenSecret),
    events: deps.events,
    turn: { urls: config.turnUrls, secret: config.turnSecret, relayOnly: config.turnRelayOnly },
    now: config.now,
    log: deps.log,
  });
  const signal = signalling({
    path: SIGNAL.path,
    key: SIGNAL.key,
    authorize: meetings.authorizePeer,
    rooms,
    allowedOrigins: config.allowedOrigins,
    publicOrigin: new URL(config.publicUrl).origin,
    log: deps.log,
    limits: deps.signallingLimits,
  });
  const routers = [meetingRoutes(deps.booking, meetings), staffMeetingRoutes(meetings)];

  return {
    meetings,
    signallingHttp: signal.middleware,
    mount(app: Koa) {
      for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
    },
    /** A meeting nobody ended keeps its admissions until its window closes; a start clears those. */
    async start() {
      await store.forgetClosedAdmissions(new Date(config.now().getTime() - meetingWindow.closesAfterEndMs).toISOString());
    },
    attach: (server: Server) => signal.attach(server),
    /** Closes every socket, then waits for what their leaving writes: the app closes the database next. */
    async close() {
      await signal.close();
      await meetings.settled();
    },
  };
}
