import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A camera that delivers only black frames and a microphone that hears nothing, as files for
 * Chromium's fake capture: a Y4M header with black 4:2:0 frames, and a WAV header with zeros.
 * Returns the Chromium flags; `only` keeps the other device Chromium's default (a moving picture,
 * a beep), e.g. a broken camera with a working microphone.
 */
export function brokenDeviceFiles(dir: string, only?: 'camera' | 'microphone'): string[] {
  const args: string[] = [];
  if (only !== 'microphone') {
    const [width, height, frames] = [320, 240, 10];
    const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.alloc(width * height, 16), Buffer.alloc((width * height) / 2, 128)]);
    const video = join(dir, 'black.y4m');
    writeFileSync(video, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array(frames).fill(frame)]));
    args.push(`--use-file-for-fake-video-capture=${video}`);
  }
  if (only !== 'camera') {
    const [rate, seconds] = [48_000, 2];
    const data = rate * 2 * seconds;
    const header = Buffer.alloc(44);
    header.write('RIFF', 0);
    header.writeUInt32LE(36 + data, 4);
    header.write('WAVEfmt ', 8);
    header.writeUInt32LE(16, 16); // PCM chunk size
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(1, 22); // mono
    header.writeUInt32LE(rate, 24);
    header.writeUInt32LE(rate * 2, 28); // bytes per second
    header.writeUInt16LE(2, 32); // bytes per sample frame
    header.writeUInt16LE(16, 34); // bits per sample
    header.write('data', 36);
    header.writeUInt32LE(data, 40);
    const audio = join(dir, 'silence.wav');
    writeFileSync(audio, Buffer.concat([header, Buffer.alloc(data)]));
    args.push(`--use-file-for-fake-audio-capture=${audio}`);
  }
  return args;
}
