/**
 * The docs pages' one module (no inline script: the pages run under the server's strict CSP). What
 * the docs list about the element comes from the generated custom-elements.json, and the configuration
 * and webhook tables from the README (built into readme-tables.json), so nothing here is a copy to
 * keep in step. Everything is rendered as text, never as HTML.
 */

import { findElement, type Manifest } from './manifest.ts';

/** A cell's Markdown: `code` spans become <code>, the rest stays text. */
function markdownCell(cell: string): Node[] {
  return cell.split('`').map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const code = document.createElement('code');
    code.textContent = part;
    return code;
  });
}

function row(cells: (string | Node[])[], header = false): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement(header ? 'th' : 'td');
    if (header) td.scope = 'col';
    td.append(...(typeof cell === 'string' ? [cell] : cell));
    tr.append(td);
  }
  return tr;
}

const code = (text: string): Node[] => {
  const el = document.createElement('code');
  el.textContent = text;
  return [el];
};

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** Fills every `tbody[data-manifest="<list>"]` of the page from the element's manifest entry. */
async function renderManifest() {
  const bodies = [...document.querySelectorAll<HTMLTableSectionElement>('tbody[data-manifest]')];
  if (!bodies.length) return;
  const manifest = await fetchJson<Manifest>('/widget/custom-elements.json');
  for (const body of bodies) {
    const element = findElement(manifest, body.dataset.element ?? 'digitale-balie');
    const list = body.dataset.manifest as 'attributes' | 'events' | 'cssProperties' | 'cssParts';
    for (const item of element?.[list] ?? []) {
      const cells: (string | Node[])[] = [code(item.name), markdownCell(item.description ?? '')];
      if (list === 'events') cells.splice(1, 0, code(item.type?.text ?? 'Event'));
      const tr = row(cells);
      tr.dataset.name = item.name;
      body.append(tr);
    }
  }
}

/** Fills every `table[data-readme="<table>"]` from the README's tables. */
async function renderReadmeTables() {
  const tables = [...document.querySelectorAll<HTMLTableElement>('table[data-readme]')];
  if (!tables.length) return;
  const readme = await fetchJson<Record<string, string[][]>>('/docs/readme-tables.json');
  for (const table of tables) {
    const [header = [], ...rows] = readme[table.dataset.readme!] ?? [];
    table.createTHead().append(row(header.map(markdownCell), true));
    const body = table.createTBody();
    for (const cells of rows) body.append(row(cells.map(markdownCell)));
  }
}

/** Shows the source of each `code[data-example]`: the very file the tests run. */
async function renderExamples() {
  for (const el of document.querySelectorAll<HTMLElement>('code[data-example]')) {
    const response = await fetch(el.dataset.example!);
    el.textContent = response.ok ? await response.text() : `Could not load ${el.dataset.example}`;
  }
}

/**
 * The theming preview: each input of the form sets its `--balie-*` property on the live widget (through
 * the CSSOM, which a strict CSP allows) and the CSS to copy is shown beside it.
 */
function themingPreview() {
  const form = document.querySelector<HTMLFormElement>('#theme-form');
  const preview = document.querySelector<HTMLElement>('#theme-preview');
  const css = document.querySelector<HTMLElement>('#theme-css');
  if (!form || !preview || !css) return;
  const apply = () => {
    const lines: string[] = [];
    for (const input of form.querySelectorAll<HTMLInputElement>('input[name^="--balie-"]')) {
      const value = input.type === 'number' ? `${input.value}px` : input.value;
      preview.style.setProperty(input.name, value);
      lines.push(`  ${input.name}: ${value};`);
    }
    css.textContent = `digitale-balie {\n${lines.join('\n')}\n}`;
  };
  form.addEventListener('input', apply);
  form.addEventListener('reset', () => setTimeout(apply));
  form.addEventListener('submit', (event) => event.preventDefault());
  apply();
}

themingPreview();
await Promise.all([renderManifest(), renderReadmeTables(), renderExamples()]);
document.documentElement.dataset.docsReady = 'true';
