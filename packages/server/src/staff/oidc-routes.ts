import Router from '@koa/router';
import escapeHtml from 'escape-html';
import type { Context } from 'koa';
import { randomBytes } from 'node:crypto';
import { STAFF_PREFIX } from './gate.ts';
import { OidcRefusal, type OidcRefusalReason, type OidcSignIn } from './oidc.ts';
import type { SessionCookie } from './session-cookie.ts';
import type { StaffSessions } from './sessions.ts';

/** Why the sign-in failed, in the console's four languages: the page is shown before anyone is known. */
const refusalTexts: Record<OidcRefusalReason, Record<'nl' | 'fr' | 'en' | 'de', string>> = {
  no_role: {
    nl: 'U bent aangemeld bij de identiteitsdienst, maar u hebt geen rol in de Digitale Balie. Vraag uw beheerder om u de rol medewerker of beheerder te geven.',
    fr: "Vous êtes connecté au service d'identité, mais vous n'avez pas de rôle dans le Guichet numérique. Demandez à votre administrateur de vous attribuer le rôle collaborateur ou administrateur.",
    en: 'You are signed in at the identity service, but you have no role in the Digitale Balie. Ask your administrator to give you the staff or administrator role.',
    de: 'Sie sind beim Identitätsdienst angemeldet, haben aber keine Rolle im Digitalen Schalter. Bitten Sie Ihre Verwaltung, Ihnen die Rolle Mitarbeiter oder Verwalter zu geben.',
  },
  inactive: {
    nl: 'Uw account in de Digitale Balie is gedeactiveerd. Vraag een beheerder om het opnieuw te activeren.',
    fr: 'Votre compte du Guichet numérique a été désactivé. Demandez à un administrateur de le réactiver.',
    en: 'Your Digitale Balie account has been deactivated. Ask an administrator to reactivate it.',
    de: 'Ihr Konto im Digitalen Schalter wurde deaktiviert. Bitten Sie einen Verwalter, es wieder zu aktivieren.',
  },
  email_taken: {
    nl: 'Een andere identiteit meldt zich al aan met dit e-mailadres. Vraag een beheerder om hulp.',
    fr: 'Une autre identité se connecte déjà avec cette adresse e-mail. Demandez de l’aide à un administrateur.',
    en: 'Another identity already signs in with this e-mail address. Ask an administrator for help.',
    de: 'Eine andere Identität meldet sich bereits mit dieser E-Mail-Adresse an. Bitten Sie einen Verwalter um Hilfe.',
  },
  no_email: {
    nl: 'De identiteitsdienst geeft geen e-mailadres voor u door. Vraag uw beheerder om dat in te stellen.',
    fr: "Le service d'identité ne transmet pas d'adresse e-mail pour vous. Demandez à votre administrateur de le configurer.",
    en: 'The identity service sends no e-mail address for you. Ask your administrator to set this up.',
    de: 'Der Identitätsdienst übermittelt keine E-Mail-Adresse für Sie. Bitten Sie Ihre Verwaltung, dies einzurichten.',
  },
  expired: {
    nl: 'Deze aanmelding is niet hier begonnen, werd al gebruikt of duurde te lang. Begin opnieuw.',
    fr: 'Cette connexion n’a pas commencé ici, a déjà été utilisée ou a pris trop de temps. Recommencez.',
    en: 'This sign-in was not started here, was already used or took too long. Please start again.',
    de: 'Diese Anmeldung wurde nicht hier begonnen, bereits verwendet oder hat zu lange gedauert. Beginnen Sie erneut.',
  },
  failed: {
    nl: 'Het antwoord van de identiteitsdienst kon niet worden gecontroleerd. Probeer het opnieuw.',
    fr: "La réponse du service d'identité n'a pas pu être vérifiée. Réessayez.",
    en: "The identity service's answer could not be verified. Please try again.",
    de: 'Die Antwort des Identitätsdienstes konnte nicht überprüft werden. Bitte versuchen Sie es erneut.',
  },
};
const titles = { nl: 'Aanmelden lukt niet', fr: 'Connexion impossible', en: 'Sign-in failed', de: 'Anmeldung fehlgeschlagen' };
const back = { nl: 'Terug naar aanmelden', fr: 'Retour à la connexion', en: 'Back to sign-in', de: 'Zurück zur Anmeldung' };

function refusalPage(reason: OidcRefusalReason): string {
  const parts = (['nl', 'fr', 'en', 'de'] as const).map(
    (lang) => `<section lang="${lang}"><h2>${escapeHtml(titles[lang])}</h2><p>${escapeHtml(refusalTexts[reason][lang])}</p><p><a href="/medewerker">${escapeHtml(back[lang])}</a></p></section>`,
  );
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${titles.nl} – Digitale Balie</title></head><body><main data-oidc-refused="${reason}"><h1>${titles.nl}</h1>${parts.join('')}</main></body></html>`;
}

/**
 * The cookie that binds a sign-in to the browser that started it. `SameSite=Lax`: the provider's
 * redirect back is a top-level navigation from another site, which a Strict cookie would miss.
 */
function bindingCookie(https: boolean, maxAgeMs: number) {
  const name = https ? '__Host-balie-oidc' : 'balie-oidc';
  const options = { httpOnly: true, secure: https, sameSite: 'lax' as const, path: '/', overwrite: true };
  const jar = (ctx: Context) => {
    if (https) ctx.cookies.secure = true;
    return ctx.cookies;
  };
  return {
    read: (ctx: Context) => ctx.cookies.get(name) || undefined,
    write: (ctx: Context, value: string) => void jar(ctx).set(name, value, { ...options, maxAge: maxAgeMs }),
    clear: (ctx: Context) => void jar(ctx).set(name, '', { ...options, maxAge: 0, expires: new Date(0) }),
  };
}

/**
 * GET /api/staff/oidc/start sends the browser to the provider; GET /api/staff/oidc/callback comes
 * back with the code, signs the person in and opens the console. A refused callback answers a page
 * in four languages (400 for a broken or replayed flow, 403/409 for a person we cannot let in).
 */
export function oidcRoutes(deps: { oidc: OidcSignIn; sessions: StaffSessions; cookie: SessionCookie; publicUrl: string; https: boolean; flowMs: number; log: (message: string, error?: unknown) => void }) {
  const { oidc, sessions, cookie } = deps;
  const binding = bindingCookie(deps.https, deps.flowMs);
  const router = new Router({ prefix: `${STAFF_PREFIX}/oidc` });

  const refuse = (ctx: Context, reason: OidcRefusalReason, status: number) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = refusalPage(reason);
  };

  router.get('/start', async (ctx) => {
    const browser = randomBytes(32).toString('base64url');
    let target: URL;
    try {
      target = await oidc.start(browser);
    } catch (error) {
      deps.log('OIDC provider unreachable (discovery failed)', error);
      return refuse(ctx, 'failed', 502);
    }
    binding.write(ctx, browser);
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(target.href);
  });

  router.get('/callback', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const browser = binding.read(ctx);
    binding.clear(ctx);
    // Our own address, not the request's Host: behind a proxy that is what the provider redirected to.
    const currentUrl = new URL(ctx.originalUrl, deps.publicUrl);
    try {
      const { account, idToken } = await oidc.finish(currentUrl, browser);
      const previous = cookie.read(ctx);
      if (previous) await sessions.end(previous);
      const { id } = await sessions.start(account, 'oidc', { idToken });
      cookie.write(ctx, id);
      ctx.redirect('/medewerker');
    } catch (error) {
      if (!(error instanceof OidcRefusal)) {
        deps.log('OIDC sign-in failed', error);
        return refuse(ctx, 'failed', 502);
      }
      refuse(ctx, error.reason, error.status);
    }
  });

  return router;
}
