/**
 * The wire contract between the server and the widget, declared once (issue 11): a zod schema for
 * each request the server parses (and its `z.input` type for the client that sends it), a plain
 * type for each answer. The widget imports types only (`import type`), so no zod reaches its bundle.
 */
export * from './common.ts';
export * from './fields.ts';
export * from './person-name.ts';
export * from './catalog.ts';
export * from './booking.ts';
export * from './meeting.ts';
export * from './fallback.ts';
export * from './documents.ts';
export * from './staff.ts';
export * from './dashboard.ts';
export * from './privacy.ts';
export * from './staff-identity.ts';
