import { describe, expect, it } from '@jest/globals';
import { crc32, crc32Ascii, crc32Fallback } from '../../src/core/checksum/crc32.js';
import { BASE36, BASE62, base32Decode, base32Encode, decodeInt, encodeInt } from '../../src/core/checksum/base-n.js';
import { marvin32, marvin64 } from '../../src/core/checksum/marvin32.js';

describe('crc32', () => {
  const check = Buffer.from('123456789', 'latin1');
  it('matches the CRC-32/ISO-HDLC check value on both paths', () => {
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Fallback(check)).toBe(0xcbf43926);
    expect(crc32Ascii('123456789')).toBe(0xcbf43926);
  });
  it('native and fallback agree on varied inputs', () => {
    for (let n = 0; n < 200; n++) {
      const data = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      expect(crc32Fallback(data)).toBe(crc32(data));
    }
  });
});

describe('base-n', () => {
  it('round-trips base62 and base36 with padding', () => {
    for (const v of [0, 1, 61, 62, 0xcbf43926, 0xffffffff]) {
      const s62 = encodeInt(v, BASE62, 6);
      expect(s62).toHaveLength(6);
      expect(decodeInt(s62, BASE62)).toBe(v);
      const s36 = encodeInt(v, BASE36, 7);
      expect(s36).toHaveLength(7);
      expect(decodeInt(s36, BASE36)).toBe(v);
    }
    expect(encodeInt(0xffffffff, BASE36, 7)).toBe('1z141z3');
    expect(decodeInt('ab-', BASE36)).toBeUndefined();
  });
  it('base32 round-trips and rejects foreign characters', () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 255, 128, 64]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('0189')).toBeUndefined();
  });
});

describe('marvin32 (Microsoft published vectors)', () => {
  const S0 = [0x004fb61a, 0x001bdbcc] as const;
  const S1 = [0x804fb61a, 0x001bdbcc] as const;
  const S2 = [0x804fb61a, 0x801bdbcc] as const;
  const cases: Array<[readonly [number, number], number[] | string, string, number]> = [
    [[0xd53cd9ce, 0xcd0893b7], 'abc', '22c74339492769bf', 0x6be02a86],
    [[0x0ddddeee, 0xeffff000], 'abcdefghijklmnopqrstuvwxyz', 'a128eb7e7260aca2', 0xd34847dc],
    [S0, [], '30ed35c100cd3c7d', 0x302009bc],
    [S0, [175], '48e73fc77d75ddc1', 0x3592e206],
    [S0, [231, 15], 'b5f6e1fc485dbff8', 0xfdab5e04],
    [S0, [55, 244, 149], 'f0b07c789b8cf7e8', 0x6b3c8b90],
    [S0, [134, 66, 220, 89], '7008f2e87e9cf556', 0x0e9407be],
    [S0, [21, 63, 183, 152, 38], 'e6c08c6da2afa997', 0x446f25fa],
    [S0, [9, 50, 230, 36, 108, 71], '6f04bf1a5ea24060', 0x31a6ff7a],
    [S0, [171, 66, 126, 168, 209, 15, 199], 'e11847e4f0678c41', 0x117fcba5],
    [S1, [], '10a9d5d3996fd65d', 0x89c6038e],
    [S1, [175], '68201f91960ebf91', 0xfe2ea000],
    [S1, [231, 15], '64b581631f6ab378', 0x7bdf321b],
    [S1, [55, 244, 149], 'e1f2dfa6e5131408', 0x04e1cbae],
    [S1, [134, 66, 220, 89], '36289d9654fb49f6', 0x62d3d460],
    [S1, [21, 63, 183, 152, 38], '0a06114b13464dbd', 0x19405cf6],
    [S1, [9, 50, 230, 36, 108, 71], 'd6dd5e40ad1bc2ed', 0x7bc69cad],
    [S1, [171, 66, 126, 168, 209, 15, 199], 'e203987dba252fb3', 0x5826b7ce],
    [S2, [0], 'a37fb0da2ecae06c', 0x8db550b6],
    [S2, [255], 'fecef370701ae054', 0x8ed41324],
    [S2, [0, 255], 'a638e75700048880', 0xa63c6fd7],
    [S2, [255, 0], 'bdfb46d969730e2a', 0xd48848f3],
    [S2, [255, 0, 255], '9d8577c0fe0d30bf', 0x6388477f],
    [S2, [0, 255, 0], '4f9fbdde15099497', 0x5a962949],
    [S2, [0, 255, 0, 255], '24eaa279d9a529ca', 0xfd4f8bb3],
    [S2, [255, 0, 255, 0], 'd3bec7726b057943', 0xb8bbbe31],
    [S2, [255, 0, 255, 0, 255], '920b62bbca3e0b72', 0x583569c9],
    [S2, [0, 255, 0, 255, 0], '1d7ddf9dfdf3c1bf', 0xe08e1e22],
    [S2, [0, 255, 0, 255, 0, 255], 'ec21276a17e821a5', 0xfbc906cf],
    [S2, [255, 0, 255, 0, 255, 0], '6911a53ca8c12254', 0xc1d08768],
    [S2, [255, 0, 255, 0, 255, 0, 255], 'fdfd187b1d3ce784', 0xe0c1ffff],
    [S2, [0, 255, 0, 255, 0, 255, 0], '71876f2efb1b0ee8', 0x8a9c61c6],
  ];
  it.each(cases)('seed %p input %p', (seed, input, hex64, m32) => {
    const data = typeof input === 'string' ? Buffer.from(input, 'latin1') : Uint8Array.from(input);
    const { high, low } = marvin64(data, seed[0], seed[1]);
    expect(high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0')).toBe(hex64);
    expect(marvin32(data, seed[0], seed[1])).toBe(m32);
  });
});
