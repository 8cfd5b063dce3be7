import { z } from 'zod';

const partResult = z.enum(['passed', 'failed', 'skipped']);

/** What each part of the device test found (issue 11); `skipped`: not tested (audio only, not answered). */
export const devicePartsSchema = z.strictObject({ camera: partResult, microphone: partResult, speaker: partResult, network: partResult });
export type DeviceParts = z.infer<typeof devicePartsSchema>;

export const deviceCheckSchema = z.strictObject({
  result: z.enum(['passed', 'failed']),
  audioOnly: z.boolean(),
  // Optional: a widget from before issue 11, still cached on a municipal page, reports the result only.
  parts: devicePartsSchema.optional(),
});

export const feedbackSchema = z.strictObject({
  score: z.number().int().min(1, 'must be 1 to 5').max(5, 'must be 1 to 5'),
  comment: z.string().max(2000, 'use at most 2000 characters').optional(),
});

/** Peer ids are ours (see newPeerId); anything else cannot be one. */
const peerId = z.string().regex(/^[0-9a-f]{32}$/, 'must be a peer id from POST /join');

/** Admission belongs to the person behind the link, so the caller's `peerId` is accepted but not needed. */
export const stateQuerySchema = z.object({ peerId: z.string().max(100).optional() });

export const admitSchema = z.strictObject({ peerId: peerId.optional() });

export const endSchema = z.strictObject({
  nextSteps: z.string().max(10_000, 'use at most 10000 characters').optional(),
});
