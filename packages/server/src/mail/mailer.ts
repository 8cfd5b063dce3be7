import { mkdirSync } from 'node:fs';
import { readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content: string; contentType: string }[];
  /**
   * Names this mail for retries (letters, digits, - and _): sending it again after a crash writes no
   * second outbox file, and over SMTP it keeps one Message-ID, on which mail systems deduplicate.
   */
  idempotencyKey?: string;
  /** The appointment it is about: kept in the outbox summary (never sent), so retention finds the mail. */
  appointmentId?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** One summary per mail kept in outbox mode, for the demo mailbox page. */
export interface OutboxEntry {
  file: string;
  to: string;
  subject: string;
  text: string;
  sentAt: string;
  /** Which appointment it is about (mails written before issue 12 have none). */
  appointmentId?: string;
}

/**
 * Real SMTP when `smtpUrl` is set; otherwise every mail is written as an .eml file (plus a JSON
 * summary) to `outboxDir`, so a newcomer can run the product without a mail server.
 */
export function createMailer(opts: { smtpUrl: string | undefined; from: string; outboxDir: string }): Mailer {
  if (opts.smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(opts.smtpUrl);
    const domain = /@([^>\s]+)/.exec(opts.from)?.[1] ?? 'balie.invalid';
    return {
      async send({ idempotencyKey, appointmentId: _about, ...message }) {
        await transport.sendMail({ from: opts.from, ...message, ...(idempotencyKey ? { messageId: `<${idempotencyKey}@${domain}>` } : {}) });
      },
      close: () => transport.close(),
    };
  }
  // Mails carry personal links: for the server's user only (the folder, and each file in it).
  mkdirSync(opts.outboxDir, { recursive: true, mode: 0o700 });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  /**
   * The file name (without extension) of each keyed mail in the outbox. Read from the folder once,
   * then kept up to date here: reading a folder of thousands of mails for every mail was quadratic.
   * Names are `<sentAt, 24 characters>-<key>`.
   */
  let names: Promise<Map<string, string>> | undefined;
  const keyed = () =>
    (names ??= readdir(opts.outboxDir).then(
      (files) => new Map(files.filter((f) => f.endsWith('.eml')).map((f) => [f.slice(25, -'.eml'.length), f.slice(0, -'.eml'.length)])),
    ));
  const existing = async (key: string) => (await keyed()).get(key);
  /** Written under a temporary name, then renamed: a killed process leaves no half-written mail behind. */
  const writeWhole = async (name: string, data: string | Buffer) => {
    const path = join(opts.outboxDir, name);
    await writeFile(`${path}.tmp`, data, { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  };
  return {
    async send({ idempotencyKey, appointmentId, ...message }) {
      const info = await transport.sendMail({ from: opts.from, ...message });
      const sentAt = new Date().toISOString();
      const file = (idempotencyKey && (await existing(idempotencyKey))) || `${sentAt.replace(/[:.]/g, '-')}-${idempotencyKey ?? randomBytes(4).toString('hex')}`;
      // Asynchronous: creating files is slow on some disks and must not stall the requests around it.
      // The summary comes second, so the mailbox page never lists a mail whose .eml is missing.
      await writeWhole(`${file}.eml`, info.message as Buffer);
      if (idempotencyKey) (await keyed()).set(idempotencyKey, file);
      const entry: OutboxEntry = { file: `${file}.eml`, to: message.to, subject: message.subject, text: message.text, sentAt, ...(appointmentId ? { appointmentId } : {}) };
      await writeWhole(`${file}.json`, JSON.stringify(entry));
    },
    close: () => transport.close(),
  };
}
