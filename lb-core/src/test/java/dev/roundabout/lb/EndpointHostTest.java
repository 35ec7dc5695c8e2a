package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Which hosts an {@link Endpoint} accepts, and the one form each backend's identity takes. */
class EndpointHostTest {

  private static String repeat(char c, int times) {
    return String.valueOf(c).repeat(times);
  }

  @Test
  void hostNames_areAccepted_asGiven() {
    List<String> names =
        List.of(
            "localhost",
            "orders",
            "orders.internal",
            "orders-v2.eu-west-1.example.com",
            "Orders.Example.COM",
            "1password.com",
            "xn--bcher-kva.example",
            "orders.svc.cluster.local.",
            repeat('a', 63) + ".example");
    for (String name : names) {
      assertThat(Endpoint.of(name, 80).host()).as(name).isEqualTo(name);
      assertThat(Endpoint.of(name, 80).address()).as(name).isEqualTo(name + ":80");
    }
  }

  @Test
  void underscores_areAccepted_asInServiceRecordAndContainerNames() {
    assertThat(Endpoint.of("_grpc._tcp.orders.internal", 443).host()).isEqualTo("_grpc._tcp.orders.internal");
    assertThat(Endpoint.of("orders_db", 5432).address()).isEqualTo("orders_db:5432");
  }

  @Test
  void aName_ofTwoHundredFiftyThreeCharacters_isAccepted_andOneMoreIsNot() {
    String name = repeat('a', 63) + "." + repeat('b', 63) + "." + repeat('c', 63) + "." + repeat('d', 61);
    assertThat(name).hasSize(253);
    assertThat(Endpoint.of(name, 80).host()).isEqualTo(name);
    assertThat(Endpoint.of(name + ".", 80).host()).isEqualTo(name + "."); // the root's dot is not counted

    assertThatThrownBy(() -> Endpoint.of(name + "d", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: \"" + name + "d\" (expected: a host name or an IP address, without port or scheme)");
  }

  @Test
  void ipv4_isAccepted_inDottedQuads() {
    assertThat(Endpoint.of("10.0.0.1", 80).host()).isEqualTo("10.0.0.1");
    assertThat(Endpoint.of("0.0.0.0", 80).host()).isEqualTo("0.0.0.0");
    assertThat(Endpoint.of("255.255.255.255", 80).address()).isEqualTo("255.255.255.255:80");
  }

  @Test
  void ipv6_isAccepted_withoutOrWithBrackets_andKeptWithoutThem() {
    Endpoint bracketed = Endpoint.of("[::1]", 80);

    assertThat(bracketed.host()).isEqualTo("::1");
    assertThat(bracketed.address()).isEqualTo("[::1]:80");
    assertThat(bracketed).isEqualTo(Endpoint.of("::1", 80)).hasToString("[::1]:80");
    assertThat(Endpoint.builder("[2001:db8::7]", 8080).weight(2).build().host()).isEqualTo("2001:db8::7");
  }

  @Test
  void ipv6_takesItsCanonicalForm_soThatEverySpellingIsOneBackend() {
    assertThat(Endpoint.of("0:0:0:0:0:0:0:1", 80)).isEqualTo(Endpoint.of("::1", 80));
    assertThat(Endpoint.of("0:0:0:0:0:0:0:1", 80).address()).isEqualTo("[::1]:80");
    assertThat(Endpoint.of("::", 80).host()).isEqualTo("::");
    assertThat(Endpoint.of("0:0:0:0:0:0:0:0", 80).host()).isEqualTo("::");
    assertThat(Endpoint.of("2001:0DB8:0000:0000:0000:0000:0000:0001", 80).host()).isEqualTo("2001:db8::1");
    assertThat(Endpoint.of("2001:db8:0:0:1:0:0:1", 80).host()).as("the first of two equal runs").isEqualTo("2001:db8::1:0:0:1");
    assertThat(Endpoint.of("2001:0:0:1:0:0:0:1", 80).host()).as("the longest run").isEqualTo("2001:0:0:1::1");
    assertThat(Endpoint.of("2001:db8:0:1:1:1:1:1", 80).host()).as("one zero group stays").isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(Endpoint.of("2001:db8::1:1:1:1:1", 80).host()).isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(Endpoint.of("1:2:3:4:5:6:7::", 80).host()).isEqualTo("1:2:3:4:5:6:7:0");
    assertThat(Endpoint.of("fe80::", 80).host()).isEqualTo("fe80::");
    assertThat(Endpoint.of("64:ff9b::10.0.0.1", 80).host()).as("an embedded IPv4 address in hex").isEqualTo("64:ff9b::a00:1");
  }

  @Test
  void ipv4MappedIpv6_isTheIpv4Address() {
    assertThat(Endpoint.of("::ffff:10.0.0.1", 80).host()).isEqualTo("10.0.0.1");
    assertThat(Endpoint.of("[::FFFF:a00:1]", 80)).isEqualTo(Endpoint.of("10.0.0.1", 80));
  }

  @Test
  void twoSpellingsOfOneBackend_cannotBothBeInAList() {
    assertThatThrownBy(() -> EndpointSource.of(List.of(Endpoint.of("[::1]", 80), Endpoint.of("0::1", 80))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoints: [::1]:80 at index 0 and 1 (expected: each host:port once)");
  }

  @Test
  void hostsThatCannotWork_areRejected_withTheirValue() {
    List<String> bad =
        List.of(
            "10.0.0.1:8080",
            "http://10.0.0.1",
            "orders/v1",
            "orders.internal:80",
            "user@orders",
            "*.example.com",
            "ünïcode.example",
            "-orders",
            "orders-",
            "orders.-v2.internal",
            "a..b",
            ".orders",
            "orders..",
            repeat('a', 64) + ".example",
            "10.0.0.256",
            "10.0.0",
            "010.0.0.1",
            "1.2.3.4.5",
            "123",
            "orders.123",
            "[10.0.0.1]",
            "[orders]",
            "[::1",
            "::1]",
            "[]",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7::8",
            "1::2::3",
            ":::1",
            "1:",
            ":1",
            "12345::1",
            "::g",
            "fe80::1%eth0",
            "::1.2.3",
            "1.2.3.4::",
            "::ffff:1.2.3.4:5",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::\u0661",
            "\u0661\u0660.0.0.1");
    for (String host : bad) {
      assertThatThrownBy(() -> Endpoint.of(host, 80))
          .as(host)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("host: \"" + host + "\" (expected: a host name or an IP address, without port or scheme)");
      assertThatThrownBy(() -> Endpoint.builder(host, 80)).as(host).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void ipv6_randomSpellings_meanTheAddressTheJdkReads_inOneForm() throws Exception {
    long seed = 20_261_202L;
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 2_000; round++) {
      int[] groups = new int[8];
      for (int g = 0; g < 8; g++) {
        groups[g] = random.nextInt(10) < 4 ? 0 : random.nextInt(0x10000);
      }
      if (random.nextInt(10) == 0) { // IPv4-mapped now and then
        groups = new int[] {0, 0, 0, 0, 0, 0xffff, random.nextInt(0x10000), random.nextInt(0x10000)};
      }
      String spelling = spell(groups, random);
      String host = Endpoint.of(spelling, 80).host();

      String context = "seed " + seed + ", round " + round + ": " + spelling + " -> " + host;
      assertThat(InetAddress.getByName(host).getAddress()).as(context).isEqualTo(InetAddress.getByName(spelling).getAddress());
      assertThat(Endpoint.of(InetAddress.getByName(spelling).getHostAddress(), 80).host()).as(context).isEqualTo(host);
      assertThat(Endpoint.of(host, 80).host()).as(context).isEqualTo(host);
      if (host.contains(":")) {
        assertThat(Endpoint.of("[" + host + "]", 80).address()).as(context).isEqualTo("[" + host + "]:80");
      }
    }
  }

  /** One of the many ways to write {@code groups}: leading zeros, upper case, any zero run as "::". */
  private static String spell(int[] groups, SplittableRandom random) {
    List<Integer> zeroStarts = new ArrayList<>();
    for (int g = 0; g < 8; g++) {
      if (groups[g] == 0) {
        zeroStarts.add(g);
      }
    }
    int from = -1;
    int to = -1;
    if (!zeroStarts.isEmpty() && random.nextBoolean()) {
      from = zeroStarts.get(random.nextInt(zeroStarts.size()));
      to = from + 1;
      while (to < 8 && groups[to] == 0 && random.nextBoolean()) {
        to++;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < 8; g++) {
      if (g == from) {
        sb.append("::");
        g = to - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      String hex = Integer.toHexString(groups[g]);
      hex = "0".repeat(random.nextInt(5 - hex.length())) + hex;
      sb.append(random.nextBoolean() ? hex.toUpperCase(Locale.ROOT) : hex);
    }
    return sb.toString();
  }

  @Test
  void theExampleOfTheMessageStyle() {
    assertThatThrownBy(() -> Endpoint.of("10.0.0.1:8080", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: \"10.0.0.1:8080\" (expected: a host name or an IP address, without port or scheme)");
  }
}
