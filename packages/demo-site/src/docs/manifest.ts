/**
 * The part of custom-elements.json (the Custom Elements Manifest the widget build generates) that the
 * docs pages render and the manifest test checks. The schema package's own types (1.0.0) leave
 * `tagName` and the element's members out of `CustomElementDeclaration`, hence these few lines.
 */
export interface Documented {
  name: string;
  description?: string;
  type?: { text: string };
}

export interface ElementDeclaration {
  name: string;
  tagName?: string;
  customElement?: boolean;
  attributes?: Documented[];
  events?: Documented[];
  cssProperties?: Documented[];
  cssParts?: Documented[];
}

export interface Manifest {
  modules: { declarations?: ElementDeclaration[] }[];
}

/** The custom element registered as `tagName`, if the manifest has it. */
export const findElement = (manifest: Manifest, tagName: string): ElementDeclaration | undefined =>
  manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.customElement && d.tagName === tagName);
