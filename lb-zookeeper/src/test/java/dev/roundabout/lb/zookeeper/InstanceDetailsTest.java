package dev.roundabout.lb.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.Test;

/** The payload's JSON, as Curator's serializer writes and reads it, and its checks. */
class InstanceDetailsTest {
  private final JsonInstanceSerializer<InstanceDetails> serializer = new JsonInstanceSerializer<>(InstanceDetails.class);

  private static ServiceInstance<InstanceDetails> instance(InstanceDetails details) {
    return new ServiceInstance<>("orders", "i-1", "10.0.0.7", 8080, null, details, 0, ServiceType.DYNAMIC, null);
  }

  @Test
  void curatorsSerializer_writesThePayloadWithItsClassWeightAndZone() throws Exception {
    String json = new String(serializer.serialize(instance(InstanceDetails.of(3, "eu-west-1a"))), StandardCharsets.UTF_8);

    assertThat(json).contains(
        "\"payload\":{\"@class\":\"dev.roundabout.lb.zookeeper.InstanceDetails\",\"weight\":3,\"zone\":\"eu-west-1a\"}");
    assertThat(new String(serializer.serialize(instance(InstanceDetails.of(2))), StandardCharsets.UTF_8))
        .contains("\"payload\":{\"@class\":\"dev.roundabout.lb.zookeeper.InstanceDetails\",\"weight\":2}");
  }

  @Test
  void whatCuratorsSerializerWrites_readsBackEqual() throws Exception {
    InstanceDetails details = InstanceDetails.of(7, "eu-west-1b");

    ServiceInstance<InstanceDetails> read = serializer.deserialize(serializer.serialize(instance(details)));

    assertThat(read.getPayload()).isEqualTo(details);
    assertThat(read.getPayload().weight()).isEqualTo(7);
    assertThat(read.getPayload().zone()).isEqualTo("eu-west-1b");
  }

  @Test
  void jsonWrittenByHand_weightAndZoneAreOptional_andOtherFieldsIgnored() throws Exception {
    String json = "{\"name\":\"orders\",\"id\":\"i-2\",\"address\":\"10.0.0.8\",\"port\":8080,"
        + "\"payload\":{\"@class\":\"dev.roundabout.lb.zookeeper.InstanceDetails\",\"rack\":\"r7\"},"
        + "\"registrationTimeUTC\":0,\"serviceType\":\"DYNAMIC\",\"version\":\"2.1\"}";

    ServiceInstance<InstanceDetails> read = serializer.deserialize(json.getBytes(StandardCharsets.UTF_8));

    assertThat(read.getPayload()).isEqualTo(InstanceDetails.of(1));
    assertThat(read.getPayload().zone()).isNull();
  }

  @Test
  void aPayloadOutOfRange_orOfAnotherClass_cannotBeRead() {
    String weightZero = "{\"name\":\"orders\",\"id\":\"i-3\",\"address\":\"10.0.0.9\",\"port\":8080,"
        + "\"payload\":{\"@class\":\"dev.roundabout.lb.zookeeper.InstanceDetails\",\"weight\":0}}";
    String aMap = "{\"name\":\"orders\",\"id\":\"i-4\",\"address\":\"10.0.0.9\",\"port\":8080,"
        + "\"payload\":{\"@class\":\"java.util.HashMap\",\"weight\":2}}";

    assertThatThrownBy(() -> serializer.deserialize(weightZero.getBytes(StandardCharsets.UTF_8)))
        .hasStackTraceContaining("weight: 0 (expected: 1-10000)");
    assertThatThrownBy(() -> serializer.deserialize(aMap.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ClassCastException.class);
  }

  @Test
  void badValues_areRejected() {
    assertThatThrownBy(() -> InstanceDetails.of(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight: 0 (expected: 1-10000)");
    assertThatThrownBy(() -> InstanceDetails.of(10_001, "eu")).hasMessage("weight: 10001 (expected: 1-10000)");
    assertThatThrownBy(() -> InstanceDetails.of(1, " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("zone: \" \" (expected: a non-blank zone name)");
    assertThatThrownBy(() -> InstanceDetails.of(1, null)).isInstanceOf(NullPointerException.class).hasMessage("zone");
  }

  @Test
  void equalsHashCodeAndToString() {
    assertThat(InstanceDetails.of(3, "eu")).isEqualTo(InstanceDetails.of(3, "eu")).hasSameHashCodeAs(InstanceDetails.of(3, "eu"))
        .isNotEqualTo(InstanceDetails.of(3)).isNotEqualTo(InstanceDetails.of(4, "eu"));
    assertThat(InstanceDetails.of(3, "eu")).hasToString("InstanceDetails{weight=3, zone=eu}");
    assertThat(InstanceDetails.of(1)).hasToString("InstanceDetails{weight=1}");
  }
}
