package dev.roundabout.lb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * XXH64 against the reference test vectors of the xxHash project: its sanity buffer (bytes drawn
 * from the generator {@code g = 2654435761; b = g >>> 56; g *= 11400714785074694797}) hashed at
 * lengths that cross every branch (tails of 1, 4 and 8 bytes, the 32-byte stripes), with seed 0
 * and seed 2654435761.
 */
class XxHash64Test {
  private static final long PRIME32 = 2654435761L;
  private static final long PRIME64 = 0x9E3779B185EBCA8DL;
  private static final byte[] SANITY = sanityBuffer(2367);

  private static byte[] sanityBuffer(int length) {
    byte[] buffer = new byte[length];
    long generator = PRIME32;
    for (int i = 0; i < length; i++) {
      buffer[i] = (byte) (generator >>> 56);
      generator *= PRIME64;
    }
    return buffer;
  }

  @ParameterizedTest(name = "length {0}, seed {1}")
  @CsvSource({
    "0, 0, EF46DB3751D8E999",
    "0, 2654435761, AC75FDA2929B17EF",
    "1, 0, E934A84ADB052768",
    "1, 2654435761, 5014607643A9B4C3",
    "3, 0, FF7E1959CB50794A",
    "3, 2654435761, AA8584E83660F7D1",
    "4, 0, 9136A0DCA57457EE",
    "4, 2654435761, CAAB286BD8E9FDB5",
    "8, 0, CDBCF538E71D1348",
    "8, 2654435761, FE0C047A5353CDAC",
    "14, 0, 8282DCC4994E35C8",
    "14, 2654435761, C3BD6BF63DEB6DF0",
    "16, 0, 98C90B57FDFCB55C",
    "16, 2654435761, C900AD2D536B607E",
    "17, 0, 0D39A2D051A30C2C",
    "17, 2654435761, 495CD68A647C7A22",
    "222, 0, B641AE8CB691C174",
    "222, 2654435761, 20CB8AB7AE10C14A",
  })
  void matchesTheReferenceVectors(int length, long seed, String expectedHex) {
    long expected = Long.parseUnsignedLong(expectedHex, 16);

    assertThat(XxHash64.hash(SANITY, 0, length, seed)).isEqualTo(expected);
  }

  @Test
  void hashesAString() {
    assertThat(XxHash64.hash("abc".getBytes(StandardCharsets.UTF_8))).isEqualTo(0x44BC2CF5AD770999L);
  }

  @Test
  void hashesASliceAsTheSameBytesAlone() {
    byte[] alone = new byte[100];
    System.arraycopy(SANITY, 7, alone, 0, 100);

    assertThat(XxHash64.hash(SANITY, 7, 100, 42)).isEqualTo(XxHash64.hash(alone, 0, 100, 42));
  }

  @Test
  void hashLong_isTheHashOfTheLittleEndianBytes() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 1000; i++) {
      long value = random.nextLong();
      long seed = random.nextLong();
      byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();

      assertThat(XxHash64.hashLong(value, seed)).isEqualTo(XxHash64.hash(bytes, 0, 8, seed));
    }
  }

  @Test
  void rejectsASliceOutsideTheArray() {
    assertThatThrownBy(() -> XxHash64.hash(new byte[4], 2, 3, 0)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void hashUtf8_isTheHashOfTheStringsUtf8Bytes_atEveryLengthAndForEveryKindOfChar() {
    // ASCII, two- and three-byte chars, surrogate pairs and unpaired surrogates (which
    // String.getBytes encodes as '?'), at lengths that cross every branch of the hash.
    char[] alphabet = {'a', 'Z', '0', '~', '\u00e9', '\u07ff', '\u0800', '\u20ac', '\uffff', '\ud83d', '\ude00'};
    SplittableRandom random = new SplittableRandom(3);
    for (int length = 0; length <= 150; length++) {
      for (int round = 0; round < 40; round++) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
          int pick = random.nextInt(alphabet.length + 2);
          if (pick >= alphabet.length) {
            text.append("\ud83d\ude00"); // a well-formed pair
          } else {
            text.append(alphabet[pick]);
          }
        }
        long seed = round % 2 == 0 ? 0 : random.nextLong();
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(XxHash64.hashUtf8(text, seed))
            .as("%s", text)
            .isEqualTo(XxHash64.hash(bytes, 0, bytes.length, seed));
      }
    }
  }

  @Test
  void hashUtf8_ofAsciiMatchesTheReferenceValue() {
    assertThat(XxHash64.hashUtf8("abc", 0)).isEqualTo(0x44BC2CF5AD770999L);
  }
}
