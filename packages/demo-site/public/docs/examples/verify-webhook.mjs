// Verifies a Digitale Balie webhook (Node 18 or newer). `header` is the X-Balie-Signature request header,
// `rawBody` the request body exactly as received (verify before parsing the JSON).
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifyBalieWebhook(secret, header, rawBody, toleranceSeconds = 300) {
  const { t, v1 } = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=')));
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(v1 ?? '', 'hex');
  return Math.abs(Date.now() / 1000 - Number(t)) <= toleranceSeconds
    && given.length === expected.length && timingSafeEqual(given, expected);
}

// A receiver with Node's own http module: answer 2xx quickly, deduplicate on X-Balie-Event-Id.
export function balieWebhookHandler(secret, onEvent) {
  return (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      if (!verifyBalieWebhook(secret, req.headers['x-balie-signature'], rawBody)) return res.writeHead(401).end();
      res.writeHead(204).end();
      onEvent(JSON.parse(rawBody));
    });
  };
}
// e.g. http.createServer(balieWebhookHandler(process.env.WEBHOOK_SECRET, (event) => console.log(event.type))).listen(3000);
