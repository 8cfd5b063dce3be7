import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP listener on loopback that keeps every parsed mail it receives. */
export async function startSmtpListener() {
  const mails: ParsedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          waiters.splice(0).forEach((wake) => wake());
          done();
        })
        .catch(done);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /** Resolves once `count` mails matching `filter` have arrived, or rejects after `timeoutMs`. */
    async waitFor(filter: (mail: ParsedMail) => boolean, count = 1, timeoutMs = 5000): Promise<ParsedMail[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = mails.filter(filter);
        if (found.length >= count) return found;
        if (Date.now() > deadline) throw new Error(`expected ${count} mail(s), got ${found.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
