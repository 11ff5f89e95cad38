import * as zlib from 'node:zlib';

/**
 * CRC-32/ISO-HDLC (zlib). `zlib.crc32` exists from Node 20.15 / 22.2; agents that fall back to an
 * older Node 20 (see README, "Runtimes") get the table-driven version, which is tested against the
 * same check value.
 */
let table: Uint32Array | undefined;

export function crc32Fallback(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

type Crc32Fn = (data: Uint8Array) => number;
const native = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;

export const crc32: Crc32Fn = typeof native === 'function' ? (d) => native(d) >>> 0 : crc32Fallback;

export function crc32Ascii(text: string): number {
  return crc32(Buffer.from(text, 'latin1'));
}
