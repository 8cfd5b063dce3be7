import Router from '@koa/router';
import escapeHtml from 'escape-html';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxEntry } from '../mail/mailer.ts';

/**
 * The demo mailbox: lists the mails written to the outbox, so a newcomer can open their personal
 * link without a mail server. Only mounted in outbox mode (no SMTP_URL).
 */
export function demoMailboxRoutes(outboxDir: string) {
  const router = new Router();

  const entries = (): Omit<OutboxEntry, 'appointmentId'>[] =>
    existsSync(outboxDir)
      ? readdirSync(outboxDir)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .reverse()
          .slice(0, 100)
          .map((f) => JSON.parse(readFileSync(join(outboxDir, f), 'utf8')) as OutboxEntry)
          // Which appointment a mail is about is for retention only: the page shows what a mailbox would.
          .map(({ appointmentId: _about, ...mail }) => mail)
      : [];

  router.get('/demo/mailbox.json', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = entries();
  });

  router.get('/demo/mailbox', (ctx) => {
    const linkify = (text: string) =>
      escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
    const items = entries()
      .map(
        (e) => `<article class="mail">
  <h2>${escapeHtml(e.subject)}</h2>
  <p class="meta">Aan: ${escapeHtml(e.to)} · ${escapeHtml(new Date(e.sentAt).toLocaleString('nl-BE', { timeZone: 'Europe/Brussels' }))}</p>
  <pre>${linkify(e.text)}</pre>
</article>`,
      )
      .join('\n');
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = `<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10">
<title>Demo-mailbox · Gemeente Wilsede</title><link rel="stylesheet" href="/site.css"></head>
<body>
<header class="site-header"><a class="brand" href="/">Gemeente Wilsede</a><nav><a href="/">Afspraak maken</a> <a href="/demo/mailbox">Demo-mailbox</a></nav></header>
<main class="content">
<h1>Demo-mailbox</h1>
<p>Zonder mailserver schrijft de Digitale Balie elke mail naar deze map. Open de persoonlijke link om uw afspraak te beheren.</p>
${items || '<p>Nog geen mails.</p>'}
</main>
</body></html>`;
  });

  return router;
}
