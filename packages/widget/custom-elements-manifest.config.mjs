// Custom Elements Manifest (https://custom-elements-manifest.open-wc.org/analyzer/config/): generated
// from the JSDoc of the public surface by `npm run manifest`, part of the build; never edited by hand.
// Only the two public elements and their events: the views are internal (material-web's `internal/`).
export default {
  globs: ['src/index.ts', 'src/digitale-balie.ts', 'src/digitale-balie-medewerker.ts', 'src/events/*.ts'],
  outdir: '.',
  litelement: true,
  plugins: [typedEvents()],
};

/**
 * Events are documented with `@event name - description`; the analyzer also reports every
 * `dispatchEvent(new XEvent(…))` as a nameless event, since the name is a static field. This drops the
 * nameless ones and gives each named event the type of the class whose `static eventName` it is.
 */
function typedEvents() {
  return {
    name: 'balie-typed-events',
    packageLinkPhase({ customElementsManifest }) {
      const declarations = customElementsManifest.modules.flatMap((mod) => mod.declarations ?? []);
      const classOf = new Map();
      for (const declaration of declarations) {
        const eventName = declaration.members?.find((m) => m.static && m.name === 'eventName')?.default;
        if (eventName) classOf.set(eventName.replace(/^'|'$/g, ''), declaration.name);
      }
      for (const element of declarations.filter((d) => d.customElement)) {
        if (!element.events) continue;
        element.events = element.events
          .filter((event) => event.name)
          .map((event) => (classOf.has(event.name) ? { ...event, type: { text: classOf.get(event.name) } } : event));
      }
    },
  };
}
