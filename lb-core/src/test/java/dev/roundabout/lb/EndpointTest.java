package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointTest {

  @Test
  void of_hasDefaults() {
    Endpoint e = Endpoint.of("10.0.0.1", 8080);
    assertThat(e.host()).isEqualTo("10.0.0.1");
    assertThat(e.port()).isEqualTo(8080);
    assertThat(e.weight()).isEqualTo(1);
    assertThat(e.zone()).isNull();
    assertThat(e.metadata()).isEmpty();
    assertThat(e.address()).isEqualTo("10.0.0.1:8080");
    assertThat(e).hasToString("10.0.0.1:8080");
  }

  @Test
  void builder_setsEveryField() {
    Endpoint e = Endpoint.builder("10.0.0.2", 8080).weight(3).zone("eu-west-1a").metadata("rack", "r7").build();
    assertThat(e.weight()).isEqualTo(3);
    assertThat(e.zone()).isEqualTo("eu-west-1a");
    assertThat(e.metadata()).containsExactly(Map.entry("rack", "r7"));
    assertThat(e).hasToString("10.0.0.2:8080{weight=3, zone=eu-west-1a, metadata={rack=r7}}");
    assertThat(e.toBuilder().build()).isEqualTo(e);
  }

  @Test
  void ipv6Host_isBracketedInAddress() {
    assertThat(Endpoint.of("::1", 9000).address()).isEqualTo("[::1]:9000");
  }

  @Test
  void equality_coversEveryField_butAddressIdentifiesTheBackend() {
    Endpoint a = Endpoint.of("h", 1);
    Endpoint heavier = Endpoint.builder("h", 1).weight(2).build();
    assertThat(a).isEqualTo(Endpoint.of("h", 1)).hasSameHashCodeAs(Endpoint.of("h", 1));
    assertThat(a).isNotEqualTo(heavier);
    assertThat(a.address()).isEqualTo(heavier.address());
  }

  @Test
  void metadata_isCopiedAndImmutable() {
    Map<String, String> source = new LinkedHashMap<>();
    source.put("k", "v");
    Endpoint e = Endpoint.builder("h", 1).metadata(source).build();
    source.put("k2", "v2");
    assertThat(e.metadata()).containsOnlyKeys("k");
    assertThatThrownBy(() -> e.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void host_null_isRejected() {
    assertThatThrownBy(() -> Endpoint.of(null, 80))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("host");
  }

  @Test
  void host_blank_isRejected() {
    assertThatThrownBy(() -> Endpoint.of("  ", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: \"  \" (expected: a host name or IP address, not blank, without whitespace)");
    assertThatThrownBy(() -> Endpoint.builder("", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: \"\" (expected: a host name or IP address, not blank, without whitespace)");
  }

  @Test
  void host_withWhitespace_isRejected() {
    assertThatThrownBy(() -> Endpoint.of("a b", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: \"a b\" (expected: a host name or IP address, not blank, without whitespace)");
  }

  @Test
  void port_zero_isRejected() {
    assertThatThrownBy(() -> Endpoint.of("h", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 0 (expected: 1-65535)");
  }

  @Test
  void port_65536_isRejected() {
    assertThatThrownBy(() -> Endpoint.builder("h", 65_536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 65536 (expected: 1-65535)");
  }

  @Test
  void port_bounds_areAccepted() {
    assertThat(Endpoint.of("h", 1).port()).isEqualTo(1);
    assertThat(Endpoint.of("h", 65_535).port()).isEqualTo(65_535);
  }

  @Test
  void weight_zero_isRejected() {
    assertThatThrownBy(() -> Endpoint.builder("h", 1).weight(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight: 0 (expected: 1-10000)");
  }

  @Test
  void weight_negative_isRejected() {
    assertThatThrownBy(() -> Endpoint.builder("h", 1).weight(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight: -3 (expected: 1-10000)");
  }

  @Test
  void weight_aboveTenThousand_isRejected() {
    assertThatThrownBy(() -> Endpoint.builder("h", 1).weight(10_001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight: 10001 (expected: 1-10000)");
    assertThat(Endpoint.builder("h", 1).weight(10_000).build().weight()).isEqualTo(10_000);
  }

  @Test
  void zone_blank_isRejected() {
    assertThatThrownBy(() -> Endpoint.builder("h", 1).zone(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("zone: \" \" (expected: a non-blank zone name)");
  }

  @Test
  void metadata_nulls_areRejected() {
    assertThatThrownBy(() -> Endpoint.builder("h", 1).metadata(null, "v"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("metadata key");
    assertThatThrownBy(() -> Endpoint.builder("h", 1).metadata("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("metadata value");
  }
}
