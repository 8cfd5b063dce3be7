import { html, nothing } from 'lit';
import type { PublicConfig } from '../api/types.ts';
import type { Messages } from '../i18n/messages.ts';

/**
 * What happens with the citizen's data, right above the consent it informs (GDPR art. 13, issue 12):
 * who sees it, how long it is kept (RETENTION_DAYS) and a link to the municipality's full privacy
 * statement (PRIVACY_URL), in the citizen's language. The link leaves the municipal page for another
 * of the municipality's own: a new window keeps the booking in progress.
 */
export function privacyNotice(t: Messages['booking'], config: PublicConfig | undefined) {
  // The server only accepts http(s) for PRIVACY_URL; checked again here so no other scheme becomes a link.
  const url = config?.privacyUrl && /^https?:\/\//i.test(config.privacyUrl) ? config.privacyUrl : undefined;
  return html`<div class="notice privacy" id="privacy-notice">
    <p><strong>${t.privacyTitle}</strong></p>
    <p>${t.privacyText(config?.retentionDays)}</p>
    ${url
      ? html`<p>
          <a href=${url} target="_blank" rel="noopener noreferrer"
            >${t.privacyLink}<span class="visually-hidden"> ${t.privacyLinkNewWindow}</span></a
          >
        </p>`
      : nothing}
  </div>`;
}
