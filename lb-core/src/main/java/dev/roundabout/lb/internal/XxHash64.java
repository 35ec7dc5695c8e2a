package dev.roundabout.lb.internal;

import java.util.Objects;

/**
 * XXH64, the 64-bit xxHash of Yann Collet: fast, of good quality (it passes SMHasher), and fully
 * specified, so that a key hashes to the same value on every JVM, every platform and every run.
 * The one hash function of the library: keys, ring points, Maglev permutations and rendezvous
 * scores all come from it.
 *
 * <p>Stateless and thread-safe; allocation-free.
 */
public final class XxHash64 {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private XxHash64() {}

  /** XXH64 of all of {@code data} with seed 0. */
  public static long hash(byte[] data) {
    return hash(data, 0, data.length, 0);
  }

  /** XXH64 of {@code data[offset, offset + length)} with {@code seed}. */
  public static long hash(byte[] data, int offset, int length, long seed) {
    Objects.checkFromIndexSize(offset, length, data.length);
    int p = offset;
    int end = offset + length;
    long h;
    if (length >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      int limit = end - 32;
      do {
        v1 = round(v1, readLong(data, p));
        v2 = round(v2, readLong(data, p + 8));
        v3 = round(v3, readLong(data, p + 16));
        v4 = round(v4, readLong(data, p + 24));
        p += 32;
      } while (p <= limit);
      h = mergeStripes(v1, v2, v3, v4);
    } else {
      h = seed + P5;
    }
    h += length;
    while (p + 8 <= end) {
      h ^= round(0, readLong(data, p));
      h = Long.rotateLeft(h, 27) * P1 + P4;
      p += 8;
    }
    if (p + 4 <= end) {
      h ^= (readInt(data, p) & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      p += 4;
    }
    while (p < end) {
      h ^= (data[p] & 0xFFL) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      p++;
    }
    return avalanche(h);
  }

  /**
   * XXH64 of the UTF-8 encoding of {@code text} with {@code seed}, equal to
   * {@code hash(text.toString().getBytes(UTF_8), 0, length, seed)} (an unpaired surrogate encodes
   * as {@code '?'}, as {@code String.getBytes} does), without encoding into an array: the bytes
   * are fed to the hash as they are produced, so that a string key costs no allocation.
   */
  public static long hashUtf8(CharSequence text, long seed) {
    int length = utf8Length(text);
    int stripeBytes = length >= 32 ? length & ~31 : 0;
    long v1 = seed + P1 + P2;
    long v2 = seed + P2;
    long v3 = seed;
    long v4 = seed - P1;
    long h = stripeBytes == 0 ? seed + P5 + length : 0;
    int pos = 0; // bytes taken into whole words so far
    long word = 0;
    int inWord = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int encoded;
      int count;
      if (c < 0x80) {
        encoded = c;
        count = 1;
      } else if (c < 0x800) {
        encoded = (0xC0 | (c >>> 6)) | (0x80 | (c & 0x3F)) << 8;
        count = 2;
      } else if (!Character.isSurrogate(c)) {
        encoded = (0xE0 | (c >>> 12)) | (0x80 | ((c >>> 6) & 0x3F)) << 8 | (0x80 | (c & 0x3F)) << 16;
        count = 3;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        encoded = (0xF0 | (cp >>> 18)) | (0x80 | ((cp >>> 12) & 0x3F)) << 8
            | (0x80 | ((cp >>> 6) & 0x3F)) << 16 | (0x80 | (cp & 0x3F)) << 24;
        count = 4;
      } else {
        encoded = '?';
        count = 1;
      }
      for (int k = 0; k < count; k++, encoded >>>= 8) {
        word |= (encoded & 0xFFL) << (inWord << 3);
        if (++inWord < 8) {
          continue;
        }
        if (pos < stripeBytes) {
          switch ((pos >>> 3) & 3) {
            case 0 -> v1 = round(v1, word);
            case 1 -> v2 = round(v2, word);
            case 2 -> v3 = round(v3, word);
            default -> v4 = round(v4, word);
          }
          pos += 8;
          if (pos == stripeBytes) {
            h = mergeStripes(v1, v2, v3, v4) + length;
          }
        } else {
          h ^= round(0, word);
          h = Long.rotateLeft(h, 27) * P1 + P4;
          pos += 8;
        }
        word = 0;
        inWord = 0;
      }
    }
    if (inWord >= 4) {
      h ^= (word & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      word >>>= 32;
      inWord -= 4;
    }
    for (; inWord > 0; inWord--, word >>>= 8) {
      h ^= (word & 0xFF) * P5;
      h = Long.rotateLeft(h, 11) * P1;
    }
    return avalanche(h);
  }

  /** The length of {@code text} in UTF-8, an unpaired surrogate counting as one byte ({@code '?'}). */
  private static int utf8Length(CharSequence text) {
    int n = text.length();
    int length = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length++;
      } else if (c < 0x800) {
        length += 2;
      } else if (!Character.isSurrogate(c)) {
        length += 3;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length++;
      }
    }
    return length;
  }

  /**
   * XXH64 of the eight little-endian bytes of {@code value} with {@code seed}; equal to
   * {@link #hash(byte[], int, int, long)} of those bytes, without the array. Used to derive
   * independent hashes from one key (a keyed hash with the seed as key).
   */
  public static long hashLong(long value, long seed) {
    long h = seed + P5 + 8;
    h ^= round(0, value);
    h = Long.rotateLeft(h, 27) * P1 + P4;
    return avalanche(h);
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long mergeStripes(long v1, long v2, long v3, long v4) {
    long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    return mergeRound(h, v4);
  }

  private static long mergeRound(long acc, long v) {
    acc ^= round(0, v);
    return acc * P1 + P4;
  }

  private static long avalanche(long h) {
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  private static long readLong(byte[] b, int i) {
    return (b[i] & 0xFFL)
        | (b[i + 1] & 0xFFL) << 8
        | (b[i + 2] & 0xFFL) << 16
        | (b[i + 3] & 0xFFL) << 24
        | (b[i + 4] & 0xFFL) << 32
        | (b[i + 5] & 0xFFL) << 40
        | (b[i + 6] & 0xFFL) << 48
        | (b[i + 7] & 0xFFL) << 56;
  }

  private static int readInt(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
  }
}
