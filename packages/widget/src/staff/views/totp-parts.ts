import { html } from 'lit';
import type { TotpSetup } from '@digitale-balie/contract';

/** The ten recovery codes, shown once after enrolment: a list to print or copy, each code readable aloud. */
export function recoveryCodesList(t: { recoveryIntro: string }, codes: string[]) {
  return html`<p>${t.recoveryIntro}</p>
    <ol class="recovery-codes" data-recovery-codes>
      ${codes.map((code) => html`<li><code>${code}</code></li>`)}
    </ol>`;
}

/** The QR code (an SVG data URL: the console's CSP allows `img-src data:`) and the key to type. */
export function totpSetupFigure(t: { qrAlt: string; secretLabel: string }, setup: TotpSetup) {
  return html`<figure>
    <img class="qr" src=${setup.qrDataUrl} alt=${t.qrAlt} data-totp-qr />
    <figcaption>${t.secretLabel}: <span class="secret" data-totp-secret>${setup.secret}</span></figcaption>
  </figure>`;
}
