// Draws the extension and task icon (a white shield with a check mark on blue) and encodes it as a
// PNG with node:zlib, so no binary is committed and no image tool is needed. `node scripts/icon.mjs
// 128 out.png` writes one file; package.mjs imports iconPng().
import { crc32, deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const BLUE = [0x1f, 0x6f, 0xeb];
const WHITE = [0xff, 0xff, 0xff];
const SAMPLES = 4; // 4×4 supersampling per pixel: smooth edges at 32×32 too

/** Distance from p to the segment a–b (unit square coordinates). */
function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Colour at a point of the unit square, or null outside the rounded background. */
function shade(x, y) {
  const r = 0.18; // corner radius of the background
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  if (Math.hypot(x - cx, y - cy) > r) return null;
  // Shield: straight shoulders from y=0.16, sides curving in to a point at y=0.86.
  const top = 0.16;
  const bottom = 0.86;
  if (y >= top && y <= bottom) {
    const t = (y - top) / (bottom - top);
    const halfWidth = t < 0.45 ? 0.31 : 0.31 * Math.sqrt(Math.max(0, 1 - ((t - 0.45) / 0.55) ** 2));
    if (Math.abs(x - 0.5) <= halfWidth) {
      const tick = Math.min(segmentDistance(x, y, 0.35, 0.5, 0.46, 0.61), segmentDistance(x, y, 0.46, 0.61, 0.66, 0.38));
      return tick < 0.045 ? BLUE : WHITE;
    }
  }
  return BLUE;
}

/** RGBA pixels of the icon at size×size. */
function draw(size) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = shade((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        pixels[o] = Math.round(r / a);
        pixels[o + 1] = Math.round(g / a);
        pixels[o + 2] = Math.round(b / a);
      }
      pixels[o + 3] = Math.round((255 * a) / SAMPLES ** 2);
    }
  }
  return pixels;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A size×size 8-bit RGBA PNG of the icon. */
export function iconPng(size) {
  const pixels = draw(size);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter byte 0 (none)
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [size, out] = process.argv.slice(2);
  writeFileSync(out, iconPng(Number(size)));
}
