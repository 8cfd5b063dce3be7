import { createHash } from 'node:crypto';
import type { Db } from '../db/database.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export interface OidcFlow {
  nonce: string;
  codeVerifier: string;
}

/**
 * Sign-ins in progress and the subjects linked to staff members. A flow row is keyed by the hash
 * of its `state` and holds the browser binding's hash (a cookie only that browser has), the nonce
 * and the PKCE verifier; it is in the database, not in memory, so any instance may receive the
 * provider's callback. Taking a flow deletes it: a callback works once.
 */
export function oidcStore(db: Db, now: () => Date) {
  const s = {
    purge: db.prepare<[string]>('DELETE FROM staff_oidc_flows WHERE expires_at <= ?'),
    insert: db.prepare('INSERT INTO staff_oidc_flows (state_hash, browser_hash, nonce, code_verifier, expires_at) VALUES (@stateHash, @browserHash, @nonce, @codeVerifier, @expiresAt)'),
    take: db.prepare<[string, string], OidcFlow & { browserHash: string }>(
      `DELETE FROM staff_oidc_flows WHERE state_hash = ? AND expires_at > ?
       RETURNING browser_hash AS browserHash, nonce, code_verifier AS codeVerifier`,
    ),
    subject: db.prepare<[string, string], { staffId: string }>('SELECT staff_id AS staffId FROM staff_oidc_subjects WHERE issuer = ? AND subject = ?'),
    link: db.prepare<[string, string, string]>('INSERT INTO staff_oidc_subjects (issuer, subject, staff_id) VALUES (?, ?, ?)'),
  };
  return {
    begin: db.transaction((flow: OidcFlow & { state: string; browser: string; validMs: number }) => {
      const at = now();
      s.purge.run(at.toISOString());
      s.insert.run({
        stateHash: sha256(flow.state),
        browserHash: sha256(flow.browser),
        nonce: flow.nonce,
        codeVerifier: flow.codeVerifier,
        expiresAt: new Date(at.getTime() + flow.validMs).toISOString(),
      });
    }),
    /**
     * The flow a callback's `state` names, used up; undefined when unknown, expired, used, or started
     * in another browser (login CSRF: someone else's callback URL opened in this browser).
     */
    take(state: string, browser: string | undefined): OidcFlow | undefined {
      const row = s.take.get(sha256(state), now().toISOString());
      if (!row || !browser || row.browserHash !== sha256(browser)) return undefined;
      return { nonce: row.nonce, codeVerifier: row.codeVerifier };
    },
    staffFor: (issuer: string, subject: string) => s.subject.get(issuer, subject)?.staffId,
    link: (issuer: string, subject: string, staffId: string) => void s.link.run(issuer, subject, staffId),
  };
}

export type OidcStore = ReturnType<typeof oidcStore>;
