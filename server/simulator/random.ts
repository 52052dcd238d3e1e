/** mulberry32: a small, fast, seedable PRNG, so the simulator's data is the same for the same seed. */
export const createRandom = (seed: number) => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (length: number): string => {
    let out = '';
    while (out.length < length)
      out += Math.floor(next() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    return out.slice(0, length);
  };
  return {
    next,
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    hex,
    uuid(): string {
      const h = hex(32);
      const variant = '89ab'[Math.floor(next() * 4)]!;
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
    },
  };
};
export type Random = ReturnType<typeof createRandom>;

/** One 32-bit seed from several numbers, so a slot (instance, minute) has its own stream. */
export const mixSeed = (...parts: number[]): number => {
  let h = 0x811c9dc5;
  for (const part of parts) {
    // split so numbers beyond 32 bits (epoch minutes are fine, ms are not) still all count
    for (const word of [part % 0x100000000, Math.floor(part / 0x100000000)]) {
      h = Math.imul(h ^ (word >>> 0), 0x01000193);
      h ^= h >>> 13;
    }
  }
  return h >>> 0;
};
