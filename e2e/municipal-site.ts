import { createServer } from 'node:http';
import { freePort } from '../test-support/server.ts';

/** The CSP the README tells a municipality to send, for a widget served from `server`. */
export const municipalCsp = (server: string) =>
  `default-src 'self'; script-src 'self' ${server}; style-src 'self'; connect-src 'self' ${server} ${server.replace(/^http/, 'ws')}`;

/**
 * A municipal site on another origin (localhost, not 127.0.0.1: another site, so the widget's requests
 * are cross-site) whose page `/` embeds the widget with the README's snippet and CSP. The origin is
 * known first, so the server can be started with it in ALLOWED_ORIGINS; `serve` then starts the site.
 */
export async function municipalSite() {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  return {
    origin,
    /** Serves the page with the README's CSP, or with `csp` (to show what a missing source breaks). */
    async serve(serverUrl: string, csp = municipalCsp(serverUrl)) {
      const http = createServer((req, res) => {
        // `/` and `/?balie=<token>`: the personal link in the mail opens the page it was booked on.
        if (new URL(req.url ?? '/', origin).pathname !== '/') return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
        res.end(`<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Gemeente</title>
          <script type="module" src="${serverUrl}/widget/digitale-balie.js"></script></head>
          <body><main><h1>Afspraak</h1><digitale-balie service="mantelzorgpremie"></digitale-balie></main></body></html>`);
      });
      await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
      return { close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
    },
  };
}
