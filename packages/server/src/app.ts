import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import Koa from 'koa';
import serve from 'koa-static';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bookingRoutes } from './booking/routes.ts';
import { bookingService } from './booking/service.ts';
import { bookingStore } from './booking/store.ts';
import { catalogStore } from './catalog/store.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { seedDemoData } from './db/seed.ts';
import { demoMailboxRoutes } from './demo/routes.ts';
import { documentsFeature, type DocumentsFeatureDeps } from './documents/feature.ts';
import { createEventBus } from './events.ts';
import { answerClientErrors } from './http/client-errors.ts';
import { errorHandler } from './http/errors.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createLog, type Log } from './log.ts';
import { createMailer } from './mail/mailer.ts';
import { createSmsSender } from './mail/sms.ts';
import { meetingsFeature } from './meetings/feature.ts';
import { publicConfigRoutes } from './public-config.ts';
import { staffFeature } from './staff/feature.ts';
import { webhooksFeature } from './webhooks/feature.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
export const paths = {
  widgetDist: join(root, 'dist/widget'),
  demoSite: join(root, 'packages/demo-site/public'),
};

export interface AppOptions {
  log?: Log;
  /** Documents policy and scanner overrides (tests). */
  documents?: Pick<DocumentsFeatureDeps, 'policy' | 'scanner'>;
}

/** Wires the features into one Koa app on one HTTP server. */
export function createApp(config: Config, options: AppOptions = {}) {
  const log = options.log ?? createLog();
  const db = openDatabase(config.dataDir);
  const catalog = catalogStore(db);
  if (config.seedDemoData) seedDemoData(db);
  const events = createEventBus();
  const outboxDir = join(config.dataDir, 'outbox');
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir });
  const booking = bookingService({
    config,
    catalog,
    store: bookingStore(db),
    mailer,
    sms: createSmsSender(config.smsWebhookUrl),
    events,
    log,
  });

  const documents = documentsFeature({ config, db, catalog, booking, events, log, ...options.documents });
  const staff = staffFeature({ config, db, catalog, booking, events, log, pagesDir: paths.demoSite, documents: documents.documents.forDossier });
  const meetings = meetingsFeature({ config, db, booking, events, log });
  const webhooks = webhooksFeature({ config, db, events, log });

  const app = new Koa({ proxy: false });
  app.on('error', (error) => log('unhandled koa error', error));
  app.use(securityHeaders({ https: config.publicUrl.startsWith('https:') }));
  app.use(errorHandler(log));
  app.use(
    cors({
      // Citizen API only: staff routes use a cookie and stay same-origin.
      origin: (ctx) => {
        if (!ctx.path.startsWith('/api/') || ctx.path.startsWith('/api/staff')) return '';
        const origin = ctx.get('origin');
        return config.allowedOrigins.includes('*') || config.allowedOrigins.includes(origin) ? origin : '';
      },
      allowMethods: ['GET', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
      allowHeaders: ['authorization', 'content-type'],
      maxAge: 600,
    }),
  );
  app.use(meetings.signallingHttp); // PeerJS reads its own requests: before any body parser
  app.use(documents.uploads(staff.authenticate)); // so does tus, under /files
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '64kb' }));

  staff.mount(app);
  meetings.mount(app); // after the staff gate, which guards its /api/staff routes
  documents.mount(app); // likewise
  const citizen = bookingRoutes(booking);
  app.use(citizen.routes()).use(citizen.allowedMethods());
  app.use(publicConfigRoutes(config).routes());
  if (config.demoMailbox && !config.smtpUrl) {
    const mailbox = demoMailboxRoutes(outboxDir);
    app.use(mailbox.routes());
  }
  app.use(async function widgetBundle(ctx, next) {
    if (!ctx.path.startsWith('/widget/')) return next();
    if (!existsSync(paths.widgetDist)) {
      ctx.status = 503;
      ctx.body = { error: { code: 'widget_not_built', message: 'The widget is not built yet: run npm run build.' } };
      return;
    }
    ctx.path = ctx.path.slice('/widget'.length);
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
    await serve(paths.widgetDist, { maxage: 300_000 })(ctx, next);
  });
  app.use(serve(paths.demoSite, { index: 'index.html' }));

  const server: Server = createServer(app.callback());
  answerClientErrors(server);
  meetings.attach(server);
  let reminderTimer: NodeJS.Timeout | undefined;

  return {
    server,
    config,
    db,
    booking,
    events,
    documents,
    get url() {
      const address = server.address();
      return typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : config.publicUrl;
    },
    async start(port = config.port) {
      await new Promise<void>((done, fail) => {
        server.once('error', fail);
        server.listen(port, () => done());
      });
      const tick = () => booking.sendDueReminders().catch((error) => log('reminders failed', error));
      void tick();
      reminderTimer = setInterval(tick, config.reminderIntervalMs);
      reminderTimer.unref();
      await documents.start();
      webhooks.start();
    },
    async stop() {
      clearInterval(reminderTimer);
      documents.stop();
      staff.stop();
      await meetings.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await booking.flush();
      await webhooks.stop();
      mailer.close();
      db.close();
    },
  };
}

export type App = ReturnType<typeof createApp>;
