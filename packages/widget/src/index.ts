/**
 * Digitale Balie widget: registers `<digitale-balie>` and `<digitale-balie-medewerker>` and
 * re-exports the public event types, so integrators get typed `addEventListener('balie-…', e => e.detail)`.
 */
export { DigitaleBalie } from './digitale-balie.ts';
export { DigitaleBalieMedewerker } from './digitale-balie-medewerker.ts';
export * from './events/index.ts';
export type { AppointmentView, Channel, CompanionRole, Service, Slot } from './api/types.ts';
