import { z } from 'zod';
import { phoneNumber } from '@digitale-balie/contract';

/** The ways forward after a failed device test (issue 11). */
export const deviceFallbacks = ['audio-only', 'phone', 'counter'] as const;
export type DeviceFallback = (typeof deviceFallbacks)[number];

/** The channel an appointment has after each way forward: a flag shows only while that is so. */
export const fallbackChannel = { 'audio-only': 'video', phone: 'phone', counter: 'counter' } as const satisfies Record<DeviceFallback, string>;

/** POST /api/appointment/switch-to-phone: the number staff call; an empty one is no number. */
export const switchToPhoneSchema = z.strictObject({
  phone: phoneNumber.pipe(z.string().min(1, 'must be a valid phone number such as 0470 12 34 56')),
});

/**
 * POST /api/appointment/device-fallback: what the citizen chose that needed no change here (audio
 * only) or was made through the channel switch (the counter). The phone has its own route.
 */
export const fallbackChoiceSchema = z.strictObject({ choice: z.enum(['audio-only', 'counter']) });
