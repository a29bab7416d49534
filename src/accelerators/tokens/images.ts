// Image token arithmetic of LiteLLM Python's token_counter (OpenAI's published rule):
// low/auto = 85; high = 85 + 170 per 512px tile after resizing to fit 2000px and a 768px short side.
// Dimensions are read from data: URLs only; we never fetch. For an http(s) URL with detail 'high',
// Python downloads the image; here the size is unknown and we take Python's fallback for unreadable
// images (300x300, one tile: 255 tokens).

export const IMAGE_BASE_TOKENS = 85;
export const DEFAULT_IMAGE_TOKEN_COUNT = 250;
const DEFAULT_IMAGE_SIDE = 300;
const MAX_SHORT_SIDE = 768;
const MAX_LONG_SIDE = 2000;
const TILE = 512;

export type ImageDetail = 'low' | 'high' | 'auto';

function resize(width: number, height: number): [number, number] {
  if (width <= MAX_SHORT_SIDE && height <= MAX_SHORT_SIDE) return [width, height];
  const aspect = Math.max(width, height) / Math.min(width, height);
  if (width <= height) {
    let w = MAX_SHORT_SIDE;
    let h = Math.trunc(w * aspect);
    if (h > MAX_LONG_SIDE) {
      h = MAX_LONG_SIDE;
      w = Math.trunc(h / aspect);
    }
    return [w, h];
  }
  let h = MAX_SHORT_SIDE;
  let w = Math.trunc(h * aspect);
  if (w > MAX_LONG_SIDE) {
    w = MAX_LONG_SIDE;
    h = Math.trunc(w / aspect);
  }
  return [w, h];
}

export function highDetailTokens(width: number, height: number): number {
  const [w, h] = resize(width, height);
  const tiles = Math.ceil(w / TILE) * Math.ceil(h / TILE);
  return IMAGE_BASE_TOKENS + IMAGE_BASE_TOKENS * 2 * tiles;
}

/** Width and height from the header of a PNG, GIF, JPEG or WebP, or undefined. */
export function imageSize(data: Buffer): [number, number] | undefined {
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47 && data.readUInt32BE(4) === 0x0d0a1a0a) {
    return [data.readUInt32BE(16), data.readUInt32BE(20)];
  }
  if (data.length >= 10 && data.toString('latin1', 0, 4) === 'GIF8' && data[5] === 0x61) {
    return [data.readUInt16LE(6), data.readUInt16LE(8)];
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return jpegSize(data);
  if (data.length >= 30 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') {
    const kind = data.toString('latin1', 12, 16);
    if (kind === 'VP8X') return [data.readUIntLE(24, 3) + 1, data.readUIntLE(27, 3) + 1];
    if (kind === 'VP8 ') return [data.readUInt16LE(26) & 0x3fff, data.readUInt16LE(28) & 0x3fff];
    if (kind === 'VP8L') {
      const bits = data.readUInt32LE(21);
      return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
    }
  }
  return undefined;
}

function jpegSize(data: Buffer): [number, number] | undefined {
  let i = 2;
  while (i + 9 < data.length) {
    if (data[i] !== 0xff) return undefined;
    while (data[i] === 0xff && i < data.length) i++;
    const marker = data[i];
    const length = data.readUInt16BE(i + 1);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return [data.readUInt16BE(i + 6), data.readUInt16BE(i + 4)];
    }
    i += 1 + length;
  }
  return undefined;
}

function dimensionsOf(url: string): [number, number] {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    if (comma > 0) {
      try {
        // Only the header is needed; decoding a prefix keeps huge images cheap.
        const size = imageSize(Buffer.from(url.slice(comma + 1, comma + 1 + 64 * 1024), 'base64'));
        if (size) return size;
      } catch {
        // fall through to the default like Python
      }
    }
  }
  return [DEFAULT_IMAGE_SIDE, DEFAULT_IMAGE_SIDE];
}

export function imageTokens(url: string, detail: ImageDetail, useDefault: boolean): number {
  if (useDefault) return DEFAULT_IMAGE_TOKEN_COUNT;
  if (detail !== 'high') return IMAGE_BASE_TOKENS;
  const [w, h] = dimensionsOf(url);
  return highDetailTokens(w, h);
}
