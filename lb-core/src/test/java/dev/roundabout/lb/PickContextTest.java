package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PickContextTest {

  @Test
  void empty_hasNoKey_andSaysSoWhenAskedForOne() {
    assertThat(PickContext.empty().hasKey()).isFalse();
    assertThat(PickContext.empty()).isSameAs(PickContext.empty()).hasToString("PickContext.empty()");
    assertThatThrownBy(() -> PickContext.empty().keyHash())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("PickContext.empty() has no key (expected: hasKey() checked first)");
  }

  @Test
  void stringKey_isHashedAsItsUtf8Bytes_withXxh64() {
    PickContext key = PickContext.ofKey("user-42");

    assertThat(key.hasKey()).isTrue();
    assertThat(key).isEqualTo(PickContext.ofKey("user-42".getBytes(StandardCharsets.UTF_8)));
    assertThat(key.keyHash()).isEqualTo(0x397e9d3a76af7c81L);
    assertThat(PickContext.ofKey("abc").keyHash()).isEqualTo(0x44BC2CF5AD770999L); // XXH64("abc")
    assertThat(PickContext.ofKey("żółw")).isEqualTo(PickContext.ofKey("żółw".getBytes(StandardCharsets.UTF_8)));
    assertThat(key).isNotEqualTo(PickContext.ofKey("user-43"));
  }

  @Test
  void byteKey_isHashedAtOnce() {
    byte[] bytes = {1, 2, 3};
    PickContext key = PickContext.ofKey(bytes);
    bytes[0] = 9;

    assertThat(key).isEqualTo(PickContext.ofKey(new byte[] {1, 2, 3}));
  }

  @Test
  void ofHash_isUsedAsItIs() {
    PickContext key = PickContext.ofHash(-5);

    assertThat(key.keyHash()).isEqualTo(-5);
    assertThat(key).isEqualTo(PickContext.ofHash(-5)).hasSameHashCodeAs(PickContext.ofHash(-5));
    assertThat(key).hasToString("PickContext.ofHash(0xfffffffffffffffbL)");
  }

  @Test
  void clientAddress_isKeyedByTheAddressBytes() throws Exception {
    InetAddress v4 = InetAddress.getByName("192.0.2.7");
    InetAddress v6 = InetAddress.getByName("2001:db8::7");

    assertThat(PickContext.ofClientAddress(v4)).isEqualTo(PickContext.ofKey(new byte[] {(byte) 192, 0, 2, 7}));
    assertThat(PickContext.ofClientAddress(v6)).isEqualTo(PickContext.ofKey(v6.getAddress()));
    assertThat(PickContext.ofClientAddress(InetAddress.getByName("::ffff:192.0.2.7")))
        .as("an IPv4-mapped IPv6 address is the IPv4 client")
        .isEqualTo(PickContext.ofClientAddress(v4));
  }

  @Test
  void nullKeys_areRefusedByName() {
    assertThatThrownBy(() -> PickContext.ofKey((String) null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> PickContext.ofKey((byte[]) null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> PickContext.ofClientAddress(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("address");
  }

  @Test
  void avoiding_sendsPicksElsewhere_whileAnotherEndpointIsReady() {
    Endpoint a = Endpoint.of("10.0.0.1", 80);
    Endpoint b = Endpoint.of("10.0.0.2", 80);
    Endpoint c = Endpoint.of("10.0.0.3", 80);
    for (PickerFactory picker : java.util.List.of(Pickers.roundRobin(), Pickers.ringHash(), Pickers.maglev())) {
      try (LoadBalancer lb = LoadBalancer.builder("avoid").executor(Runnable::run).endpoints(java.util.List.of(a, b, c)).picker(picker).build()) {
        for (int i = 0; i < 50; i++) {
          PickContext key = PickContext.ofKey("user-" + i);
          Endpoint first = lb.pick(key);
          Endpoint second = lb.pick(key.avoiding(first));
          assertThat(second).as("%s, key %d", picker, i).isNotEqualTo(first);
          assertThat(lb.pick(key.avoiding(first).avoiding(second))).isNotIn(first, second);
        }
        assertThat(lb.pick(PickContext.empty().avoiding(a).avoiding(b).avoiding(c))).isIn(a, b, c);
      }
    }
    assertThat(PickContext.ofHash(1).avoiding(a)).hasToString("PickContext.ofHash(0x1L).avoiding(10.0.0.1:80)");
    assertThat(PickContext.ofHash(1).avoiding(a)).isEqualTo(PickContext.ofHash(1).avoiding(a)).isNotEqualTo(PickContext.ofHash(1));
    assertThatThrownBy(() -> PickContext.empty().avoiding(null)).isInstanceOf(NullPointerException.class).hasMessage("endpoint");
  }
}
