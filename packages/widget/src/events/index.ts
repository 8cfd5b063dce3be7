export * from './ready.ts';
export * from './booking-confirmed.ts';
export * from './booking-cancelled.ts';
export * from './booking-rescheduled.ts';
export * from './error.ts';
