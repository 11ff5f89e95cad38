/**
 * Marvin32, Microsoft's seeded 32-bit hash (the .NET string hash), as used by the 84-char Azure
 * DevOps PAT checksum. Seed is 64-bit: p0 = low half, p1 = high half. All arithmetic mod 2^32.
 */
const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

export function marvin64(data: Uint8Array, seedHigh: number, seedLow: number): { high: number; low: number } {
  let p0 = seedLow >>> 0;
  let p1 = seedHigh >>> 0;
  const mix = (): void => {
    p1 = (p1 ^ p0) >>> 0;
    p0 = rotl(p0, 20);
    p0 = (p0 + p1) >>> 0;
    p1 = rotl(p1, 9);
    p1 = (p1 ^ p0) >>> 0;
    p0 = rotl(p0, 27);
    p0 = (p0 + p1) >>> 0;
    p1 = rotl(p1, 19);
  };
  const full = data.length - (data.length % 4);
  for (let i = 0; i < full; i += 4) {
    const w = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
    p0 = (p0 + w) >>> 0;
    mix();
  }
  const r = data.length % 4;
  let tail: number;
  if (r === 0) tail = 0x80;
  else if (r === 1) tail = 0x8000 | data[full]!;
  else if (r === 2) tail = 0x800000 | (data[full + 1]! << 8) | data[full]!;
  else tail = (0x80000000 | (data[full + 2]! << 16) | (data[full + 1]! << 8) | data[full]!) >>> 0;
  p0 = (p0 + tail) >>> 0;
  mix();
  mix();
  return { high: p1, low: p0 };
}

export function marvin32(data: Uint8Array, seedHigh: number, seedLow: number): number {
  const { high, low } = marvin64(data, seedHigh, seedLow);
  return (high ^ low) >>> 0;
}
