import { css, svg } from 'lit';

export interface BarSeries {
  name: string;
  /** A class from `barChartStyles`: the colour of this series' bars. */
  tone: 'primary' | 'ok' | 'muted';
  values: number[];
}

const WIDTH = 640;
const LABEL_HEIGHT = 22;
const BAR_HEIGHT = 18;
const GAP = 14;
const VALUE_SPACE = 48;

export const barChartStyles = css`
  svg.chart {
    width: 100%;
    max-width: 40em;
    height: auto;
    display: block;
    font-family: inherit;
  }
  .chart text {
    font-size: 14px;
    fill: var(--balie-color-text, #1d1d1b);
  }
  .chart .axis {
    stroke: var(--_border);
  }
  .chart .primary {
    fill: var(--_primary);
  }
  .chart .ok {
    fill: var(--_ok);
  }
  .chart .muted {
    fill: var(--_muted);
  }
  /* Contrast themes: series stay apart in system colours. */
  @media (forced-colors: active) {
    .chart text {
      fill: CanvasText;
    }
    .chart .axis,
    .chart .primary {
      stroke: CanvasText;
      fill: CanvasText;
    }
    .chart .ok {
      fill: Highlight;
    }
    .chart .muted {
      fill: GrayText;
    }
  }
`;

/**
 * A horizontal bar chart as plain SVG: a label line above each group of bars, the value beside each
 * bar. Styled by classes only (no inline style), so it works under a strict CSP. It has a title for
 * screen readers; the view shows the same numbers in a table.
 */
export function barChart(opts: { id: string; title: string; categories: string[]; series: BarSeries[] }) {
  const { categories, series } = opts;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const legend = series.length > 1 ? LABEL_HEIGHT + 6 : 0;
  const group = LABEL_HEIGHT + series.length * (BAR_HEIGHT + 4) + GAP;
  const height = legend + categories.length * group;
  const scale = (value: number) => (value / max) * (WIDTH - VALUE_SPACE);
  return svg`<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby=${opts.id} data-chart=${opts.id}>
    <title id=${opts.id}>${opts.title}</title>
    ${series.length > 1
      ? series.map(
          (s, i) => svg`<rect class=${s.tone} x=${i * 200} y="4" width="14" height="14"></rect>
            <text x=${i * 200 + 20} y="16">${s.name}</text>`,
        )
      : ''}
    ${categories.map((category, c) => {
      const top = legend + c * group;
      return svg`<text x="0" y=${top + 16}>${category}</text>
        ${series.map((s, i) => {
          const y = top + LABEL_HEIGHT + i * (BAR_HEIGHT + 4);
          const value = s.values[c] ?? 0;
          return svg`<rect class=${s.tone} x="0" y=${y} width=${Math.max(value ? 2 : 0, scale(value))} height=${BAR_HEIGHT} rx="2">
              <title>${s.name}: ${value}</title>
            </rect>
            <text x=${scale(value) + 6} y=${y + 14}>${value}</text>`;
        })}`;
    })}
    <line class="axis" x1="0.5" x2="0.5" y1=${legend} y2=${height - GAP / 2}></line>
  </svg>`;
}
