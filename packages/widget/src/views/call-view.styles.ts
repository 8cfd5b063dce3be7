import { css } from 'lit';

export const callStyles = css`
  .tiles {
    display: grid;
    gap: 0.5em;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 14em), 1fr));
  }
  .tile {
    position: relative;
    margin: 0;
    background: #1d1d1b;
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .tile video {
    display: block;
    width: 100%;
    aspect-ratio: 4 / 3;
    object-fit: cover;
    background: #1d1d1b;
  }
  .tile.self video {
    transform: scaleX(-1);
  }
  .tile figcaption {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.25em 0.5em;
    padding: 0.25em 0.5em;
    background: rgb(0 0 0 / 75%);
    color: #fff;
  }
  /* Over the (black) picture, so "camera off" reads as a choice, not a broken connection. */
  .camera-off {
    position: absolute;
    inset: 0 0 auto;
    aspect-ratio: 4 / 3;
    display: grid;
    place-items: center;
    margin: 0;
    padding: 1em;
    text-align: center;
    color: #fff;
    background: #1d1d1b;
  }
  .mic-off {
    font-size: 0.875em;
    font-weight: 600;
  }
  .role {
    font-size: 0.875em;
    opacity: 0.9;
  }
  .volume input {
    width: 7em;
    min-height: 24px;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
    margin: var(--_space) 0;
  }
  .controls .device {
    display: inline-flex;
    flex-wrap: wrap;
    max-width: 100%;
    align-items: center;
    gap: 0.35em;
    margin: 0;
    font-weight: normal;
  }
  .controls .device select {
    width: auto;
    /* A long device name must not widen the page on a 320 px screen. */
    max-width: min(14em, 100%);
  }
  .controls .choice.inline {
    margin: 0;
  }
  button.danger {
    background: var(--_error);
    border-color: var(--_error);
  }
  .quality {
    padding: 0.25em 0.5em;
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .quality[data-quality='poor'] {
    color: var(--_error);
    font-weight: 600;
  }
  /* On a participant's picture: white on the dark caption, the weak levels in bold rather than red. */
  .tile .quality {
    padding: 0;
    background: none;
    color: inherit;
    font-size: 0.875em;
  }
  .tile .quality[data-quality='poor'],
  .tile .quality[data-quality='fair'] {
    color: inherit;
    font-weight: 600;
  }
  .side {
    display: grid;
    gap: var(--_space);
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 16em), 1fr));
  }
  .people {
    margin: 0;
    padding-left: 1.25em;
  }
`;
