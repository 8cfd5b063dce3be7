/*
 * Photos with what phones write into them, for the tests that prove it is stripped (issue 12). No
 * Node imports beyond Buffer and zlib's CRC: the e2e tests and the server tests share it.
 */
import { crc32 } from 'node:zlib';

/** A real 24×16 JPEG as Chromium encodes it: JFIF, an ICC profile (APP2), tables, one scan. No EXIF. */
export const PLAIN_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAQABgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAf/xAAYEAEAAwEAAAAAAAAAAAAAAAAAB0WDwv/EABcBAAMBAAAAAAAAAAAAAAAAAAQFBgf/xAAjEQABAgUDBQAAAAAAAAAAAAARAAECAwQSMRQhUQUGBxMV/9oADAMBAAIRAxEAPwC0JrMtPtwmoB6D4/8Aj18uu1F9h2sBMLtm5+ThLK/uDWU8Uj1gjcnDs/CANHU4v//Z',
  'base64',
);
export const PLAIN_JPEG_SIZE = { width: 24, height: 16 };

/** A 1×1 PNG. */
export const PLAIN_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** Where the test photos say they were taken: the town hall of a Flemish municipality. */
export const PLACE = { latitude: 51.0543, longitude: 3.7174 };
/** Text the metadata carry that must not survive: a camera owner's name, the device. */
export const PERSONAL = { owner: 'Jan Claes', make: 'Wilsede Phone', model: 'WP-12' };

type Entry = { tag: number; type: 1 | 2 | 3 | 4 | 5; value: number[] | string };
const SIZE = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 } as const;
const count = (e: Entry) => (typeof e.value === 'string' ? e.value.length + 1 : e.type === 5 ? e.value.length / 2 : e.value.length);
const dataSize = (e: Entry) => count(e) * SIZE[e.type];
const outOfLine = (e: Entry) => (dataSize(e) > 4 ? dataSize(e) + (dataSize(e) % 2) : 0);
const ifdSize = (entries: Entry[]) => 2 + entries.length * 12 + 4 + entries.reduce((n, e) => n + outOfLine(e), 0);

/** Writes one little-endian IFD at `at` (offsets count from the TIFF header at 0); returns its end. */
function writeIfd(tiff: Buffer, at: number, entries: Entry[]) {
  tiff.writeUInt16LE(entries.length, at);
  let data = at + 2 + entries.length * 12 + 4;
  entries.forEach((e, i) => {
    const slot = at + 2 + i * 12;
    tiff.writeUInt16LE(e.tag, slot);
    tiff.writeUInt16LE(e.type, slot + 2);
    tiff.writeUInt32LE(count(e), slot + 4);
    const target = dataSize(e) > 4 ? data : slot + 8;
    if (dataSize(e) > 4) tiff.writeUInt32LE(data, slot + 8);
    if (typeof e.value === 'string') tiff.write(`${e.value}\0`, target, 'latin1');
    else e.value.forEach((v, j) => (e.type === 1 ? tiff.writeUInt8(v, target + j) : e.type === 3 ? tiff.writeUInt16LE(v, target + j * 2) : tiff.writeUInt32LE(v, target + j * 4)));
    data += outOfLine(e);
  });
  tiff.writeUInt32LE(0, at + 2 + entries.length * 12);
  return data;
}

/** Degrees as EXIF rationals: degrees/1, minutes/1, seconds×100/100. */
const dms = (deg: number) => {
  const d = Math.floor(deg);
  const m = Math.floor((deg - d) * 60);
  const s = Math.round(((deg - d) * 60 - m) * 60 * 100);
  return [d, 1, m, 1, s, 100];
};

/** An APP1 "Exif" segment with make, model, optional orientation and the GPS position. */
export function exifSegment(opts: { orientation?: number; gps?: boolean } = {}) {
  const ifd0: Entry[] = [
    { tag: 0x010f, type: 2, value: PERSONAL.make },
    { tag: 0x0110, type: 2, value: PERSONAL.model },
    ...(opts.orientation ? [{ tag: 0x0112, type: 3, value: [opts.orientation] } as Entry] : []),
    { tag: 0x013b, type: 2, value: PERSONAL.owner }, // Artist
  ];
  const gps: Entry[] = [
    { tag: 0x0000, type: 1, value: [2, 3, 0, 0] },
    { tag: 0x0001, type: 2, value: 'N' },
    { tag: 0x0002, type: 5, value: dms(PLACE.latitude) },
    { tag: 0x0003, type: 2, value: 'E' },
    { tag: 0x0004, type: 5, value: dms(PLACE.longitude) },
  ];
  if (opts.gps !== false) ifd0.push({ tag: 0x8825, type: 4, value: [0] }); // GPSInfo, set below
  const gpsAt = 8 + ifdSize(ifd0);
  if (opts.gps !== false) ifd0.at(-1)!.value = [gpsAt];
  const tiff = Buffer.alloc(gpsAt + (opts.gps !== false ? ifdSize(gps) : 0));
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  writeIfd(tiff, 8, ifd0);
  if (opts.gps !== false) writeIfd(tiff, gpsAt, gps);
  return segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

function segment(marker: number, payload: Buffer) {
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/** XMP (APP1), IPTC (APP13, Photoshop 8BIM 0x0404) and a comment (COM), each naming the owner. */
function otherSegments() {
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" exif:GPSLatitude="51,3.258N" exif:GPSLongitude="3,43.044E"><dc:creator><rdf:Seq><rdf:li>${PERSONAL.owner}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`;
  const byline = Buffer.from(PERSONAL.owner, 'latin1');
  const dataset = Buffer.concat([Buffer.from([0x1c, 0x02, 0x50, 0, byline.length]), byline]);
  const resource = Buffer.concat([Buffer.from('8BIM', 'latin1'), Buffer.from([0x04, 0x04, 0, 0, 0, 0, 0, dataset.length]), dataset, Buffer.alloc(dataset.length % 2)]);
  return [
    segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0${xmp}`, 'utf8')),
    segment(0xed, Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), resource])),
    segment(0xfe, Buffer.from(`Gemaakt door ${PERSONAL.owner}`, 'latin1')),
  ];
}

/**
 * `PLAIN_JPEG` as a phone would send it: EXIF with GPS (and an orientation when given) right after
 * SOI, XMP, IPTC and a comment, and a second picture with its own EXIF after the end (MPF style).
 */
export function phonePhoto(opts: { orientation?: number } = {}) {
  const body = PLAIN_JPEG.subarray(2);
  const trailer = Buffer.concat([PLAIN_JPEG.subarray(0, 2), exifSegment(), body]);
  return Buffer.concat([PLAIN_JPEG.subarray(0, 2), exifSegment(opts), ...otherSegments(), body, trailer]);
}

function chunk(type: string, data: Buffer) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** `PLAIN_PNG` with an eXIf chunk (GPS), tEXt, iTXt (XMP), tIME and a private chunk before IEND. */
export function pngWithMetadata() {
  const iend = PLAIN_PNG.length - 12;
  const tiff = exifSegment().subarray(4 + 6); // the TIFF structure without APP1 header and "Exif\0\0"
  const extra = [
    chunk('eXIf', tiff),
    chunk('tEXt', Buffer.from(`Author\0${PERSONAL.owner}`, 'latin1')),
    chunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta><dc:creator>${PERSONAL.owner}</dc:creator></x:xmpmeta>`, 'utf8')),
    chunk('tIME', Buffer.from([0x07, 0xeb, 3, 1, 9, 30, 0])),
    chunk('prVt', Buffer.from(PERSONAL.make, 'latin1')),
  ];
  return Buffer.concat([PLAIN_PNG.subarray(0, iend), ...extra, PLAIN_PNG.subarray(iend)]);
}
