import { css } from 'lit';

export const documentsPanelStyles = css`
  h4 {
    margin: var(--_space) 0 0.25em;
    font-size: 1em;
  }
  ul {
    margin: 0;
    padding-left: 0;
    list-style: none;
  }
  li {
    margin: 0.25em 0;
    overflow-wrap: anywhere;
  }
  .checklist li[data-provided='true'] span {
    color: var(--_success);
  }
  .drop {
    border: 2px dashed var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    margin: var(--_space) 0;
  }
  .drop[data-dragging='true'] {
    border-color: var(--_primary);
    background: var(--_surface);
  }
  .uploads li {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.25em 0.5em;
    align-items: center;
  }
  .uploads progress {
    width: 100%;
    grid-column: 1;
  }
  .uploads .error {
    grid-column: 1 / -1;
  }
  .uploads .actions {
    margin: 0;
  }
  .meta {
    color: var(--_muted);
    font-size: 0.875em;
    margin: 0 0.5em;
  }
`;
