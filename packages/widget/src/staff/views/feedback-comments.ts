import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { formatDay } from '../format.ts';
import type { FeedbackCommentList } from '../types.ts';
import { StaffView } from './staff-view.ts';

/**
 * The survey comments of a period, on the dashboard of a beheerder (the server refuses anyone else):
 * service, day, score and text. The server keeps no name with a comment, so none can be shown.
 */
@customElement('balie-staff-feedback-comments')
export class BalieStaffFeedbackComments extends StaffView {
  static override styles = [
    ...StaffView.styles,
    css`
      a.button {
        display: inline-flex;
        align-items: center;
        text-decoration: none;
        background: transparent;
        color: var(--_primary);
      }
      td.comment {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      td.number {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** First and last local date of the period, as the dashboard shows it. */
  @property() from = '';
  @property() to = '';
  @state() private data?: FeedbackCommentList;
  @state() private error = '';

  override willUpdate(changed: PropertyValues<this>) {
    if ((changed.has('from') || changed.has('to')) && this.from && this.to) void this.load(this.from, this.to);
  }

  private async load(from: string, to: string) {
    try {
      const data = await this.api.feedbackComments(from, to);
      // A slower answer for an earlier period must not replace the one asked for last.
      if (from !== this.from || to !== this.to) return;
      this.data = data;
      this.error = '';
    } catch (error) {
      this.error = this.errorText(error);
    }
  }

  override render() {
    const t = this.t.dashboard;
    return html`<section aria-labelledby="comments-heading">
      <h3 id="comments-heading">${t.comments}</h3>
      <p class="muted">${t.commentsIntro}</p>
      <p><a class="button secondary" href=${this.api.feedbackCommentsCsvUrl(this.from, this.to)} download>${t.commentsCsv}</a></p>
      ${this.error ? html`<p class="notice error-box" role="alert">${this.error}</p>` : nothing}
      ${this.data ? this.renderList(this.data) : this.error ? nothing : html`<p>${this.t.common.loading}</p>`}
    </section>`;
  }

  private renderList(d: FeedbackCommentList) {
    const t = this.t.dashboard;
    if (!d.comments.length) return html`<p class="muted">${t.commentsEmpty}</p>`;
    return html`${d.truncated ? html`<p class="notice">${t.commentsTruncated(d.comments.length)}</p>` : nothing}
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">${t.comments}</caption>
          <thead>
            <tr>
              <th scope="col">${t.service}</th>
              <th scope="col">${t.date}</th>
              <th scope="col" class="number">${t.score('').trim()}</th>
              <th scope="col">${t.comment}</th>
            </tr>
          </thead>
          <tbody>
            ${d.comments.map(
              (c) => html`<tr>
                <td>${c.service}</td>
                <td>${formatDay(c.date, this.t.locale, true)}</td>
                <td class="number">${c.score}</td>
                <td class="comment">${c.comment}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'balie-staff-feedback-comments': BalieStaffFeedbackComments;
  }
}
