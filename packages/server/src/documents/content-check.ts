import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fileTypeFromFile } from 'file-type';

/**
 * What may be uploaded, by content: the type the magic bytes say, never the name or the browser's
 * guess. Legacy .doc is left out on purpose: its container (CFB) also carries .msi installers.
 */
export const ALLOWED_TYPES = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/heic',
  'image/heif',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.text',
  'text/plain',
]);

/** Why a finished upload was refused; the widget translates each code. */
export type RefusalCode = 'type_not_allowed' | 'empty_file' | 'infected' | 'scan_failed' | 'image_damaged';

export type Inspection =
  | { ok: true; contentType: string; sha256: string; size: number }
  | { ok: false; code: RefusalCode; detected: string | undefined };

/** Bytes below 0x20 other than tab, line feed, form feed and carriage return mean "binary". */
const hasControlBytes = (chunk: Buffer) => chunk.some((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d);

/** Feeds the next chunk (none: the end) to a fatal UTF-8 decoder; false when it is not valid UTF-8. */
function decodes(decoder: TextDecoder, chunk?: Buffer) {
  try {
    decoder.decode(chunk, { stream: chunk !== undefined });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the file once: the type from its first bytes (file-type), the SHA-256 of all of it, and for
 * content without a signature whether it is plain UTF-8 text.
 */
export async function inspectFile(path: string): Promise<Inspection> {
  const detected = (await fileTypeFromFile(path))?.mime;
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let text = detected === undefined;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (!text) continue;
    text = !hasControlBytes(chunk) && decodes(decoder, chunk);
  }
  if (text) text = decodes(decoder);
  if (size === 0) return { ok: false, code: 'empty_file', detected };
  const contentType = detected ?? (text ? 'text/plain' : undefined);
  if (!contentType || !ALLOWED_TYPES.has(contentType)) return { ok: false, code: 'type_not_allowed', detected: contentType };
  return { ok: true, contentType, sha256: hash.digest('hex'), size };
}
