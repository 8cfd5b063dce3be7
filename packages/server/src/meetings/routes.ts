import Router from '@koa/router';
import type { Context } from 'koa';
import { bearerToken } from '../booking/routes.ts';
import type { BookingService } from '../booking/service.ts';
import { HttpError } from '../http/errors.ts';
import { parseBody, parseQuery } from '../http/validation.ts';
import { currentStaff, STAFF_PREFIX } from '../staff/gate.ts';
import { admitSchema, deviceCheckSchema, endSchema, feedbackSchema, stateQuerySchema } from '@digitale-balie/contract';
import { meetingParamProblem } from './meeting-param.ts';
import type { MeetingService } from './service.ts';

/**
 * A request that answers from this instance's presence may carry `meeting=<id>` for the load
 * balancer (meeting-param.ts); when it does, it must name this very meeting.
 */
function checkMeetingParam(ctx: Context, meetingId: string) {
  const problem = meetingParamProblem(ctx.querystring, meetingId);
  if (problem) throw new HttpError(400, 'wrong_meeting', problem);
}

/** The citizen's and companion's side of the call: personal link token as Bearer, CORS like /api. */
export function meetingRoutes(booking: BookingService, meetings: MeetingService) {
  const router = new Router({ prefix: '/api/meeting' });
  const holder = (ctx: Parameters<typeof bearerToken>[0]) => booking.resolveToken(bearerToken(ctx));

  router.post('/join', async (ctx) => {
    const who = await holder(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await meetings.joinAsHolder(who);
  });

  router.get('/state', async (ctx) => {
    const who = await holder(ctx);
    checkMeetingParam(ctx, who.appointment.id);
    parseQuery(ctx, stateQuerySchema);
    ctx.set('Cache-Control', 'no-store');
    const state = await meetings.stateFor(who);
    ctx.body = { ...state, followUp: state.ended ? await booking.followUpFor(who) : null };
  });

  router.post('/device-check', async (ctx) => {
    await meetings.recordDeviceCheck(await holder(ctx), parseBody(ctx, deviceCheckSchema));
    ctx.status = 204;
  });

  router.post('/feedback', async (ctx) => {
    await meetings.submitFeedback(await holder(ctx), parseBody(ctx, feedbackSchema));
    ctx.status = 201;
    ctx.body = { received: true };
  });

  return router;
}

/** The staff side; mounted after the staff feature, whose gate guards every /api/staff path. */
export function staffMeetingRoutes(meetings: MeetingService) {
  const router = new Router({ prefix: `${STAFF_PREFIX}/appointments/:id` });

  // Each route here reads or changes the presence of the instance holding the meeting's sockets.
  router.post('/join', async (ctx) => {
    const staff = currentStaff(ctx);
    checkMeetingParam(ctx, ctx.params.id!);
    ctx.body = await meetings.joinAsStaff(staff, ctx.params.id!);
  });

  router.get('/meeting', async (ctx) => {
    currentStaff(ctx);
    checkMeetingParam(ctx, ctx.params.id!);
    ctx.body = await meetings.staffState(ctx.params.id!);
  });

  router.post('/admit', async (ctx) => {
    currentStaff(ctx);
    checkMeetingParam(ctx, ctx.params.id!);
    await meetings.admit(ctx.params.id!, parseBody(ctx, admitSchema).peerId);
    ctx.status = 204;
  });

  router.post('/end', async (ctx) => {
    const staff = currentStaff(ctx);
    checkMeetingParam(ctx, ctx.params.id!);
    await meetings.end(staff, ctx.params.id!, parseBody(ctx, endSchema).nextSteps);
    ctx.status = 204;
  });

  return router;
}
