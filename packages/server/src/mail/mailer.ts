import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
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
}

/**
 * Real SMTP when `smtpUrl` is set; otherwise every mail is written as an .eml file (plus a JSON
 * summary) to `outboxDir`, so a newcomer can run the product without a mail server.
 */
export function createMailer(opts: { smtpUrl: string | undefined; from: string; outboxDir: string }): Mailer {
  if (opts.smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(opts.smtpUrl);
    return {
      async send(message) {
        await transport.sendMail({ from: opts.from, ...message });
      },
      close: () => transport.close(),
    };
  }
  mkdirSync(opts.outboxDir, { recursive: true });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail({ from: opts.from, ...message });
      const sentAt = new Date().toISOString();
      const file = `${sentAt.replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
      // Asynchronous: creating files is slow on some disks and must not stall the requests around it.
      // The summary comes second, so the mailbox page never lists a mail whose .eml is missing.
      await writeFile(join(opts.outboxDir, `${file}.eml`), info.message as Buffer);
      const entry: OutboxEntry = { file: `${file}.eml`, to: message.to, subject: message.subject, text: message.text, sentAt };
      await writeFile(join(opts.outboxDir, `${file}.json`), JSON.stringify(entry));
    },
    close: () => transport.close(),
  };
}
