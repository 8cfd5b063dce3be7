import exifr from 'exifr';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/*
 * Photos lose what they say about the person before they are stored (issue 12): a phone writes the
 * place it was taken (EXIF GPS), the device, its serial number, the time, sometimes a name and a
 * thumbnail of the uncropped original, in EXIF, XMP, IPTC or PNG text chunks. We strip on the server
 * so every client is covered, the staff console and any integration included.
 *
 * Losslessly: the compressed image data is copied as it is, only the metadata segments go. What is
 * kept is an allow-list of what decoding needs (tables, frame and scan headers, the colour profile).
 * Everything after the image's end goes too: phones append more pictures there (depth maps, gain
 * maps, the MPF "multi-picture" images), each with metadata of its own.
 *
 * HEIC/HEIF is not stripped (its metadata are items of an ISO-BMFF container whose offsets would all
 * move); see the documents README.
 */

/** What happened to a file: metadata removed, none there, or a structure we cannot follow. */
export type StripResult = { kind: 'stripped'; size: number } | { kind: 'unchanged' } | { kind: 'damaged' };

const startsWith = (bytes: Uint8Array, text: string) => Buffer.from(bytes.subarray(0, text.length)).toString('latin1') === text;

/** APPn segments a decoder may need, by marker: JFIF (pixel density), ICC profile (colours), Adobe (colour transform of CMYK/YCCK). */
const keptApp: Record<number, string> = { 0xe0: 'JFIF\0', 0xe2: 'ICC_PROFILE\0', 0xee: 'Adobe' };

/**
 * A minimal EXIF block holding only the orientation (tag 0x0112), so a portrait photo taken with a
 * phone held upright is still shown upright: "Exif\0\0", a big-endian TIFF header, one IFD, one entry.
 */
function orientationSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // IFD0 right after the header
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14); // one value, stored in place
  tiff.writeUInt16BE(orientation, 18);
  tiff.writeUInt32BE(0, 22); // no next IFD (no thumbnail)
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/**
 * A JPEG without its metadata (ITU T.81 B.1: markers, length-prefixed segments, entropy-coded data
 * after each SOS). Undefined when the structure is broken.
 */
export function stripJpeg(jpeg: Buffer, orientation?: number): Buffer | undefined {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return undefined;
  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  if (orientation && orientation >= 2 && orientation <= 8) parts.push(orientationSegment(orientation));
  let pos = 2;
  for (;;) {
    if (jpeg[pos] !== 0xff) return undefined;
    while (jpeg[pos] === 0xff) pos++; // fill bytes may precede a marker
    const code = jpeg[pos++];
    if (code === undefined) return undefined;
    if (code === 0xd9) break; // EOI: whatever follows is not this image
    if ((code >= 0xd0 && code <= 0xd7) || code === 0x01) {
      parts.push(Buffer.from([0xff, code])); // markers without a length
      continue;
    }
    if (pos + 2 > jpeg.length) return undefined;
    const length = jpeg.readUInt16BE(pos);
    const end = pos + length;
    if (length < 2 || end > jpeg.length) return undefined;
    const payload = jpeg.subarray(pos + 2, end);
    const isApp = code >= 0xe0 && code <= 0xef;
    const keep = isApp ? keptApp[code] !== undefined && startsWith(payload, keptApp[code]) : code !== 0xfe; // 0xFE: comment
    if (keep) parts.push(Buffer.from([0xff, code]), jpeg.subarray(pos, end));
    pos = end;
    if (code !== 0xda) continue;
    // SOS: entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart marker.
    let scan = pos;
    while (scan < jpeg.length && !(jpeg[scan] === 0xff && jpeg[scan + 1] !== 0x00 && !(jpeg[scan + 1]! >= 0xd0 && jpeg[scan + 1]! <= 0xd7))) scan++;
    parts.push(jpeg.subarray(pos, scan));
    pos = scan;
    if (pos >= jpeg.length) break; // cut off before its EOI: keep the image, end it properly
  }
  parts.push(Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/**
 * PNG chunks a viewer needs (PNG 3rd edition §4.3): critical, colour, transparency, physical size
 * and animation. Text (tEXt, zTXt, iTXt: XMP lives there), eXIf, tIME and private chunks go.
 */
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'cHRM', 'gAMA', 'iCCP', 'sBIT', 'sRGB', 'cICP', 'mDCV', 'cLLI', 'bKGD', 'hIST', 'pHYs', 'sPLT', 'acTL', 'fcTL', 'fdAT']);

/** A PNG with only the chunks above, ending at IEND. Undefined when the structure is broken. */
export function stripPng(png: Buffer): Buffer | undefined {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  const parts: Buffer[] = [PNG_SIGNATURE];
  let pos = 8;
  for (;;) {
    if (pos + 12 > png.length) return undefined;
    const end = pos + 12 + png.readUInt32BE(pos);
    if (end > png.length) return undefined;
    const type = png.subarray(pos + 4, pos + 8).toString('latin1');
    if (PNG_KEEP.has(type)) parts.push(png.subarray(pos, end));
    pos = end;
    if (type === 'IEND') return Buffer.concat(parts);
  }
}

/** The EXIF orientation (1–8), read before the block that holds it goes; undefined when there is none. */
async function orientationOf(bytes: Buffer): Promise<number | undefined> {
  try {
    return (await exifr.orientation(bytes)) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Strips the file at `path` in place when it is a JPEG or PNG: written beside it, then renamed over
 * it, so a crash leaves either the old or the new file, never half of one.
 */
export async function stripImageMetadata(path: string, contentType: string): Promise<StripResult> {
  if (contentType !== 'image/jpeg' && contentType !== 'image/png') return { kind: 'unchanged' };
  const bytes = await readFile(path);
  const stripped = contentType === 'image/jpeg' ? stripJpeg(bytes, await orientationOf(bytes)) : stripPng(bytes);
  if (!stripped) return { kind: 'damaged' };
  if (stripped.equals(bytes)) return { kind: 'unchanged' };
  const temporary = `${path}.stripping`;
  try {
    await writeFile(temporary, stripped, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { kind: 'stripped', size: stripped.length };
}
