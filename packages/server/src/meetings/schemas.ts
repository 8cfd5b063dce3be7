import { z } from 'zod';

export const deviceCheckSchema = z.strictObject({
  result: z.enum(['passed', 'failed']),
  audioOnly: z.boolean(),
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
