/** One JSON line per entry. E-mail addresses are masked on the way out, whatever the caller passed. */
export type Log = (message: string, error?: unknown) => void;

const EMAIL = /[^\s@"'<>]+@[^\s@"'<>]+\.[a-z]{2,}/gi;
export const redact = (text: string) => text.replace(EMAIL, '[e-mail]');

export function createLog(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Log {
  return (message, error) => {
    const entry: Record<string, string> = { time: new Date().toISOString(), message };
    if (error instanceof Error) entry.error = error.stack ?? error.message;
    else if (error !== undefined) entry.error = String(error);
    write(redact(JSON.stringify(entry)));
  };
}
