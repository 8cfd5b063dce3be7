import { z } from 'zod';
import { phoneNumber } from './fields.ts';

/** The ways forward after a failed device test (issue 11). */
export const deviceFallbacks = ['audio-only', 'phone', 'counter'] as const;
export type DeviceFallback = (typeof deviceFallbacks)[number];

/** POST /api/appointment/switch-to-phone: the number staff call; an empty one is no number. */
export const switchToPhoneSchema = z.strictObject({
  phone: phoneNumber.pipe(z.string().min(1, 'must be a valid phone number such as 0470 12 34 56')),
});
export type SwitchToPhoneRequest = z.input<typeof switchToPhoneSchema>;

/**
 * POST /api/appointment/device-fallback: what the citizen chose that needed no change here (audio
 * only) or was made through the channel switch (the counter). The phone has its own route.
 */
export const fallbackChoiceSchema = z.strictObject({ choice: z.enum(['audio-only', 'counter']) });
export type FallbackChoiceRequest = z.input<typeof fallbackChoiceSchema>;
