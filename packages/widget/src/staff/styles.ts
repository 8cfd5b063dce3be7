import { css } from 'lit';

/** What staff views add to the shared tokens: tables, badges, toolbars and compact forms. */
export const staffStyles = css`
  :host {
    --_ok: var(--balie-color-success, #0b6b2e);
    --_warn: var(--balie-color-warning, #8a4b00);
    --_line: var(--balie-color-panel-border, #d0d4d9);
  }
  .table-wrap {
    overflow-x: auto;
    margin-bottom: var(--_space);
    /* Keeps visually hidden (absolutely positioned) labels inside the scroll box, not widening the page. */
    position: relative;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.9375em;
  }
  caption {
    text-align: left;
    font-weight: 700;
    font-size: 1.0625em;
    padding: 0.5em 0;
  }
  th,
  td {
    text-align: left;
    vertical-align: top;
    padding: 0.5em 0.625em;
    border-bottom: 1px solid var(--_line);
  }
  thead th {
    background: var(--_surface);
    border-bottom: 2px solid var(--_border);
    white-space: nowrap;
  }
  tbody th {
    font-weight: 600;
    white-space: nowrap;
  }
  tr.waiting {
    background: #fff4d6;
  }
  tr.new {
    box-shadow: inset 4px 0 0 var(--_primary);
  }
  tr.cancelled {
    color: var(--_muted);
  }
  td button,
  th button {
    min-height: 36px;
    padding: 0.25em 0.75em;
  }
  ul.plain {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  dl.compact {
    margin: 0;
  }
  dl.compact dt {
    font-weight: 600;
    color: var(--_muted);
    font-size: 0.875em;
  }
  dl.compact dd {
    margin: 0 0 0.25em;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 0.05em 0.6em;
    font-size: 0.8125em;
    font-weight: 600;
    border: 1px solid currentColor;
    white-space: nowrap;
  }
  .badge.ok {
    color: var(--_ok);
  }
  .badge.bad {
    color: var(--_error);
  }
  .badge.todo {
    color: var(--_muted);
  }
  .badge.alert {
    color: #fff;
    background: var(--_warn);
    border-color: var(--_warn);
  }
  .badge.new {
    color: #fff;
    background: var(--_primary);
    border-color: var(--_primary);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: calc(var(--_space) * 0.75);
    margin-bottom: var(--_space);
  }
  .toolbar .field {
    margin: 0;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14em, 1fr));
    gap: 0 var(--_space);
  }
  input[type='number'],
  input[type='date'],
  input[type='time'],
  input[type='password'] {
    font: inherit;
    width: 100%;
    min-height: 44px;
    padding: 0.5em 0.75em;
    border: 2px solid var(--_border);
    border-radius: var(--_radius);
    background: #fff;
    color: inherit;
  }
  td input,
  td select {
    min-height: 40px;
    padding: 0.25em 0.5em;
  }
  .checkbox {
    display: flex;
    gap: 0.5em;
    align-items: center;
    font-weight: normal;
    margin-bottom: 0.25em;
  }
  .checkbox input {
    width: 1.25em;
    height: 1.25em;
    margin: 0;
  }
  fieldset.box {
    border: 1px solid var(--_line);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 0.75);
  }
  fieldset.box legend {
    padding: 0 0.25em;
  }
  section {
    margin-bottom: calc(var(--_space) * 1.5);
  }
  button.small {
    min-height: 36px;
    padding: 0.25em 0.75em;
    font-size: 0.9375em;
  }
  button.danger {
    background: var(--_error);
    border-color: var(--_error);
  }
  .muted {
    color: var(--_muted);
  }
`;
