import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Node's statuses for what its HTTP parser refuses (lib/_http_server.js, socketOnError). */
const refusals: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: 'The request headers are too large.' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, code: 'chunk_extensions_too_large', message: 'The request could not be read.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'The request took too long to arrive.' },
};
const malformed = { status: 400, code: 'malformed_request', message: 'The request could not be read.' };

/**
 * Answers what Node's HTTP parser refuses before Koa sees it (broken framing, CR or LF inside a header,
 * headers over 16 KB) with our JSON error instead of Node's empty 400, like every other 4xx. As in
 * Node's default handler, only when no answer is being written on that socket, and the socket is closed.
 */
export function answerClientErrors(server: Server) {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    // The response of an earlier request on this keep-alive socket: ours must not land inside it.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent: boolean; writableEnded: boolean } | null })._httpMessage;
    if (socket.writable && (!inFlight?.headersSent || inFlight.writableEnded)) {
      const { status, code, message } = refusals[error.code ?? ''] ?? malformed;
      // An answer to HEAD has no body (RFC 9110 §9.3.2), or the client reads ours as garbage. The
      // packet shows the method, except when headers overflow across packets: then no body either.
      const head = status === 431 || /^HEAD /.test(error.rawPacket?.toString('latin1') ?? '');
      const body = head ? '' : JSON.stringify({ error: { code, message } });
      const type = body ? 'Content-Type: application/json; charset=utf-8\r\n' : '';
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n${type}` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  });
}
