// Every refusal the citizen routes can answer must reach the citizen as a text that says what happened
// and what to do, in all four languages: never the catch-all "that did not work".
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { de } from '../../widget/src/i18n/de.ts';
import { en } from '../../widget/src/i18n/en.ts';
import { errorText, errorTexts } from '../../widget/src/i18n/error-texts.ts';
import { fr } from '../../widget/src/i18n/fr.ts';
import { nl } from '../../widget/src/i18n/nl.ts';

const src = new URL('.', import.meta.url).pathname;
/** The features a citizen's widget talks to (staff routes live in staff/ and are not scanned). */
const citizenFeatures = ['booking', 'meetings', 'documents', 'http', 'signalling', 'catalog'];

/** Codes the widget turns into a text of its own, outside `errorTexts` and `documents.errors`. */
const handledInView: Record<string, string> = {
  too_early: 'the meeting view says when the call opens (meeting.notYet)',
  invalid_credential: 'signalling: the call view reconnects, then shows meeting.connectFailed',
  cross_origin: 'signalling from a site not in ALLOWED_ORIGINS: the call view shows meeting.connectFailed',
  stopping: 'signalling while the server restarts: the call view reconnects (meeting.connecting)',
  // A browser's WebSocket never sees the status of a refused upgrade, so these read as connectFailed,
  // whose text asks to close the call in other tabs and devices and try again.
  too_many_connections: 'signalling from a link with the call open in 3 tabs or devices already: meeting.connectFailed',
  meeting_full: 'signalling into a meeting whose link holders hold 8 sockets: meeting.connectFailed',
  internal: 'a 5xx reads as errors.server',
};

/** Codes a citizen's widget cannot cause; each with the reason. */
const notForCitizens: Record<string, string> = {
  not_booked: 'staff cancelling or opening a call for a cancelled appointment',
  appointment_over: 'staff cancelling after the appointment',
  peer_not_waiting: 'staff admitting someone who left',
  meeting_not_ended: 'the survey is only shown after the call ended',
  not_your_upload: 'the widget only resumes its own uploads',
  not_your_document: 'the widget only offers to delete the citizen’s own documents',
  length_required: 'tus protocol: Uppy always sends Upload-Length',
  invalid_upload_url: 'tus protocol: Uppy only uses /files and the upload addresses the server gave it',
  method_not_allowed: 'a route asked with a method the widget never uses',
  bad_request: 'a body the widget never sends (not JSON, too large) or a signalling upgrade without its credential',
  malformed_request: 'unreadable HTTP, never sent by a browser',
  headers_too_large: 'unreadable HTTP, never sent by a browser',
  chunk_extensions_too_large: 'unreadable HTTP, never sent by a browser',
  request_timeout: 'the browser reports a network error first (errors.network)',
  invalid_character: 'a NUL character in an id or a text (PostgreSQL cannot store one): the widget never sends one',
  wrong_meeting: 'a meeting query parameter (for the load balancer) naming another meeting than the link’s: the widget never sends one',
};

function codesThrownBy(dir: string): string[] {
  const files = readdirSync(join(src, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const code = /HttpError\(\s*\d{3},\s*'([a-z_]+)'|code: '([a-z_]+)'|refuse\(\w+, \d{3}, '([a-z_]+)'|^\s+([a-z_]+): \{ status: \d{3},/gm;
  return files.flatMap((file) => [...readFileSync(join(src, dir, file), 'utf8').matchAll(code)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!));
}

describe('refusal codes a citizen can meet', () => {
  const thrown = [...new Set(citizenFeatures.flatMap(codesThrownBy))].sort();
  const documentCodes = Object.keys(nl.documents.errors);

  it('when the server adds a refusal code, then the widget has a text for it or the test says why none is needed', () => {
    assert.ok(thrown.length > 30, `found only ${thrown.length} codes: has the HttpError pattern changed?`);
    const unexplained = thrown.filter((c) => !(c in errorTexts) && !documentCodes.includes(c) && !(c in handledInView) && !(c in notForCitizens));
    assert.deepEqual(unexplained, []);
  });

  it('then each of those texts exists in nl, fr, en and de and is not the generic one', () => {
    for (const t of [nl, fr, en, de]) {
      for (const c of thrown.filter((c) => c in errorTexts)) {
        const text = errorText(t, c, 409);
        assert.ok(text.trim() && text !== t.errors.generic, `${t.locale} ${c}`);
      }
      for (const c of thrown.filter((c) => documentCodes.includes(c))) {
        const text = (t.documents.errors as Record<string, string | ((size: string) => string)>)[c]!;
        assert.ok((typeof text === 'function' ? text('10 MB') : text).trim(), `${t.locale} documents.errors.${c}`);
      }
    }
  });

  it('then the lists of exceptions name only codes the server really answers', () => {
    const stale = [...Object.keys(handledInView), ...Object.keys(notForCitizens)].filter((c) => !thrown.includes(c));
    assert.deepEqual(stale, []);
  });
});
