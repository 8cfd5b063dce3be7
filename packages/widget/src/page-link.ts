/**
 * The personal link's token from the page address (`?balie=<token>`, as mailed), read once and
 * taken out of the address bar and its history entry at once (issue 10): a token left there ends
 * up in screenshots, shared or bookmarked addresses, the browser history of a shared PC and, without
 * `Referrer-Policy: no-referrer` on the host page, in the Referer of every link the page follows.
 *
 * A reload must still show the appointment, so the token is kept in this tab's sessionStorage under
 * a key of our server, and read back only on a reload or a back/forward visit of this page: a new
 * visit (a menu link, a typed address) shows the booking form, as it did before the link was opened.
 */
const taken = new Map<string, string | undefined>();

const storageKey = (server: string) => `digitale-balie:link:${originOf(server)}`;

function originOf(server: string): string {
  try {
    return new URL(server, location.href).origin;
  } catch {
    return server;
  }
}

/** How this document was reached: `navigate`, `reload`, `back_forward` (Navigation Timing 2). */
function navigationType(): string {
  const entry = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
  return entry?.type ?? 'navigate';
}

/** sessionStorage, or none where the page or the browser blocks it (then a reload needs the mail again). */
function session(): Storage | undefined {
  try {
    return globalThis.sessionStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The page's link token for this server, or undefined; the same answer for every element of the page. */
export function pageLinkToken(server: string): string | undefined {
  const key = storageKey(server);
  if (taken.has(key)) return taken.get(key);
  const url = new URL(location.href);
  const fromAddress = url.searchParams.get('balie') ?? undefined;
  let token = fromAddress;
  try {
    if (fromAddress) {
      url.searchParams.delete('balie');
      // Same entry, other query parameters and the hash kept; no new history entry holds the token.
      history.replaceState(history.state, '', url.pathname + url.search + url.hash);
      session()?.setItem(key, fromAddress);
    } else if (navigationType() === 'navigate') {
      session()?.removeItem(key);
    } else {
      token = session()?.getItem(key) ?? undefined;
    }
  } catch {
    // Storage full or denied: the token from the address still works for this visit.
  }
  taken.set(key, token);
  return token;
}
