/** Where SMS reminders go. No vendor is built in: a municipality points a webhook at its provider. */
export interface SmsSender {
  send(to: string, text: string): Promise<void>;
}

/** Posts `{ to, text }` as JSON to the configured URL; does nothing when no URL is set. */
export function createSmsSender(webhookUrl: string | undefined): SmsSender {
  if (!webhookUrl) return { send: async () => {} };
  return {
    async send(to, text) {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`SMS webhook answered ${response.status}`);
    },
  };
}
