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
  return {
    begin: (flow: OidcFlow & { state: string; browser: string; validMs: number }): Promise<void> =>
      db.transaction(async () => {
        const at = now();
        await db.q.deleteFrom('staff_oidc_flows').where('expires_at', '<=', at.toISOString()).execute();
        await db.q
          .insertInto('staff_oidc_flows')
          .values({
            state_hash: sha256(flow.state),
            browser_hash: sha256(flow.browser),
            nonce: flow.nonce,
            code_verifier: flow.codeVerifier,
            expires_at: new Date(at.getTime() + flow.validMs).toISOString(),
          })
          .execute();
      }),
    /**
     * The flow a callback's `state` names, used up; undefined when unknown, expired, used, or started
     * in another browser (login CSRF: someone else's callback URL opened in this browser).
     */
    async take(state: string, browser: string | undefined): Promise<OidcFlow | undefined> {
      const row = await db.q
        .deleteFrom('staff_oidc_flows')
        .where('state_hash', '=', sha256(state))
        .where('expires_at', '>', now().toISOString())
        .returning(['browser_hash as browserHash', 'nonce', 'code_verifier as codeVerifier'])
        .executeTakeFirst();
      if (!row || !browser || row.browserHash !== sha256(browser)) return undefined;
      return { nonce: row.nonce, codeVerifier: row.codeVerifier };
    },
    staffFor: async (issuer: string, subject: string) =>
      (await db.q.selectFrom('staff_oidc_subjects').select('staff_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst())
        ?.staff_id,
    async link(issuer: string, subject: string, staffId: string) {
      await db.q.insertInto('staff_oidc_subjects').values({ issuer, subject, staff_id: staffId }).execute();
    },
  };
}

export type OidcStore = ReturnType<typeof oidcStore>;
