/** Positional encodings of unsigned 32-bit numbers, most-significant digit first. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Render `value` (a non-negative integer) in the given alphabet, left-padded with its zero digit. */
export function encodeInt(value: number, alphabet: string, width = 0): string {
  const base = alphabet.length;
  let out = '';
  let v = value;
  do {
    out = alphabet[v % base]! + out;
    v = Math.floor(v / base);
  } while (v > 0);
  return out.padStart(width, alphabet[0]!);
}

/** Parse digits of the alphabet back to a number; undefined when a character is not in it. */
export function decodeInt(text: string, alphabet: string): number | undefined {
  let v = 0;
  for (const ch of text) {
    const d = alphabet.indexOf(ch);
    if (d < 0) return undefined;
    v = v * alphabet.length + d;
  }
  return v;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, MSB-first, no padding; case-insensitive input. Trailing partial bits are dropped. */
export function base32Decode(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text.toUpperCase()) {
    const d = BASE32.indexOf(ch);
    if (d < 0) return undefined;
    buffer = ((buffer << 5) | d) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >>> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** RFC 4648 base32, upper case, no padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}
