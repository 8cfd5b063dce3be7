import type { DeviceFallback } from '@digitale-balie/contract';

// The request shapes of the ways forward are the contract's (packages/contract/src/fallback.ts).
export { deviceFallbacks, fallbackChoiceSchema, switchToPhoneSchema, type DeviceFallback } from '@digitale-balie/contract';

/** The channel an appointment has after each way forward: a flag shows only while that is so. */
export const fallbackChannel = { 'audio-only': 'video', phone: 'phone', counter: 'counter' } as const satisfies Record<DeviceFallback, string>;
