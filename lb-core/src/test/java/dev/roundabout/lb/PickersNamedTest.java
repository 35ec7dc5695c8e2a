package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PickersNamedTest {
  private static final String NAMES = "roundRobin, weightedRoundRobin, random, weightedRandom, leastConnections,"
      + " powerOfTwoChoices, ringHash, maglev, rendezvous, peakEwma, adaptive, reportedLoad";

  @Test
  void everyName_givesTheFactoryOfItsMethod() {
    Map<String, PickerFactory> byName = Map.ofEntries(
        Map.entry("roundRobin", Pickers.roundRobin()),
        Map.entry("weightedRoundRobin", Pickers.weightedRoundRobin()),
        Map.entry("random", Pickers.random()),
        Map.entry("weightedRandom", Pickers.weightedRandom()),
        Map.entry("leastConnections", Pickers.leastConnections()),
        Map.entry("powerOfTwoChoices", Pickers.powerOfTwoChoices()),
        Map.entry("ringHash", Pickers.ringHash()),
        Map.entry("maglev", Pickers.maglev()),
        Map.entry("rendezvous", Pickers.rendezvous()),
        Map.entry("peakEwma", Pickers.peakEwma()),
        Map.entry("adaptive", Pickers.adaptive()),
        Map.entry("reportedLoad", Pickers.reportedLoad()));
    assertThat(byName).hasSize(12);
    byName.forEach((name, factory) -> {
      assertThat(Pickers.named(name)).as(name).isSameAs(factory);
      assertThat(Pickers.named("  " + name + " ( ) ")).as(name + "()").isSameAs(factory);
    });
  }

  @Test
  void options_areApplied() {
    assertThat(Pickers.named("ringHash(pointsPerWeight=50, ringSize=4096, boundedLoad=1.25)"))
        .hasToString("ringHash(pointsPerWeight=50, ringSize=4096, boundedLoad=1.25)");
    assertThat(Pickers.named("maglev(tableSize=5003,boundedLoad=1.5)"))
        .hasToString("maglev(tableSize=5003, boundedLoad=1.5)");
    assertThat(Pickers.named("rendezvous(boundedLoad=2)")).hasToString("rendezvous(boundedLoad=2.0)");
    assertThat(Pickers.named("peakEwma(decay=500ms)")).hasToString("peakEwma(decay=500ms)");
    assertThat(Pickers.named(" adaptive ( decay = 2m , failurePenalty = PT3S , candidates = 2 ) "))
        .hasToString("adaptive(decay=2m, failurePenalty=3s, candidates=2)");
    assertThat(Pickers.named("adaptive(decay=1h, failurePenalty=0s)"))
        .hasToString("adaptive(decay=1h, failurePenalty=0s)");
    assertThat(Pickers.named("peakEwma(decay=10s)")).hasToString(Pickers.peakEwma().toString());
    assertThat(Pickers.named("reportedLoad(blackoutPeriod=0s, weightExpirationPeriod=10s, weightUpdatePeriod=500ms,"
        + " errorUtilizationPenalty=0.5)"))
        .hasToString("reportedLoad(blackoutPeriod=0s, weightExpirationPeriod=10s, weightUpdatePeriod=500ms,"
            + " errorUtilizationPenalty=0.5)");
  }

  @Test
  void unknownName_isRejected_listingTheNames() {
    assertThatThrownBy(() -> Pickers.named("fastest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("picker: \"fastest\" (expected: one of " + NAMES + ")");
    assertThatThrownBy(() -> Pickers.named("RoundRobin"))
        .hasMessage("picker: \"RoundRobin\" (expected: one of " + NAMES + ")");
    assertThatThrownBy(() -> Pickers.named(" "))
        .hasMessage("picker: \"\" (expected: one of " + NAMES + ")");
  }

  @Test
  void unknownOption_isRejected_listingTheOptions() {
    assertThatThrownBy(() -> Pickers.named("maglev(size=5003)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maglev option: \"size\" (expected: tableSize, boundedLoad)");
    assertThatThrownBy(() -> Pickers.named("ringHash(points=1)"))
        .hasMessage("ringHash option: \"points\" (expected: pointsPerWeight, ringSize, boundedLoad)");
    assertThatThrownBy(() -> Pickers.named("rendezvous(tableSize=7)"))
        .hasMessage("rendezvous option: \"tableSize\" (expected: boundedLoad)");
    assertThatThrownBy(() -> Pickers.named("peakEwma(alpha=1)"))
        .hasMessage("peakEwma option: \"alpha\" (expected: decay)");
    assertThatThrownBy(() -> Pickers.named("adaptive(penalty=1s)"))
        .hasMessage("adaptive option: \"penalty\" (expected: decay, failurePenalty, candidates)");
    assertThatThrownBy(() -> Pickers.named("reportedLoad(blackout=1s)"))
        .hasMessage("reportedLoad option: \"blackout\" (expected: blackoutPeriod, weightExpirationPeriod,"
            + " weightUpdatePeriod, errorUtilizationPenalty)");
    assertThatThrownBy(() -> Pickers.named("roundRobin(seed=1)"))
        .hasMessage("roundRobin option: \"seed\" (expected: no options)");
  }

  @Test
  void malformedOptions_areRejected() {
    assertThatThrownBy(() -> Pickers.named("maglev(tableSize=5003"))
        .hasMessage("picker: \"maglev(tableSize=5003\" (expected: maglev or maglev(key=value, ...))");
    assertThatThrownBy(() -> Pickers.named("maglev(5003)"))
        .hasMessage("maglev option: \"5003\" (expected: key=value)");
    assertThatThrownBy(() -> Pickers.named("maglev(tableSize=5003,)"))
        .hasMessage("maglev option: \"\" (expected: key=value)");
    assertThatThrownBy(() -> Pickers.named("maglev(tableSize=5003, tableSize=7)"))
        .hasMessage("maglev option: \"tableSize\" (expected: each key once)");
  }

  @Test
  void unreadableValues_areRejected() {
    assertThatThrownBy(() -> Pickers.named("maglev(tableSize=big)"))
        .hasMessage("tableSize: \"big\" (expected: a whole number)");
    assertThatThrownBy(() -> Pickers.named("rendezvous(boundedLoad=high)"))
        .hasMessage("boundedLoad: \"high\" (expected: a number such as 1.25)");
    assertThatThrownBy(() -> Pickers.named("peakEwma(decay=10)"))
        .hasMessage("decay: \"10\" (expected: a duration such as 500ms, 10s, 2m or PT10S)");
    assertThatThrownBy(() -> Pickers.named("adaptive(failurePenalty=PTxS)"))
        .hasMessage("failurePenalty: \"PTxS\" (expected: a duration such as 500ms, 10s, 2m or PT10S)");
    assertThatThrownBy(() -> Pickers.named("adaptive(decay=)"))
        .hasMessage("decay: \"\" (expected: a duration such as 500ms, 10s, 2m or PT10S)");
  }

  @Test
  void refusedValues_carryTheOptionMethodsMessage() {
    for (String text : new String[] {"maglev(tableSize=5000)", "maglev(boundedLoad=1)", "ringHash(pointsPerWeight=0)",
        "ringHash(ringSize=0)", "rendezvous(boundedLoad=0.5)", "peakEwma(decay=0s)", "adaptive(decay=2h)",
        "adaptive(failurePenalty=-1s)", "adaptive(candidates=1)"}) {
      String option = text.substring(0, text.indexOf('='));
      String name = option.substring(0, option.indexOf('('));
      String method = option.substring(option.indexOf('(') + 1);
      String value = text.substring(text.indexOf('=') + 1, text.length() - 1);
      assertThatThrownBy(() -> Pickers.named(text))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(messageOf(name, method, value));
    }
  }

  /** What the option method itself says about the value. */
  private static String messageOf(String name, String method, String value) {
    try {
      switch (name + "." + method) {
        case "maglev.tableSize" -> Pickers.maglev().tableSize(Integer.parseInt(value));
        case "maglev.boundedLoad" -> Pickers.maglev().boundedLoad(Double.parseDouble(value));
        case "ringHash.pointsPerWeight" -> Pickers.ringHash().pointsPerWeight(Integer.parseInt(value));
        case "ringHash.ringSize" -> Pickers.ringHash().ringSize(Integer.parseInt(value));
        case "rendezvous.boundedLoad" -> Pickers.rendezvous().boundedLoad(Double.parseDouble(value));
        case "peakEwma.decay" -> Pickers.peakEwma().decay(java.time.Duration.ZERO);
        case "adaptive.decay" -> Pickers.adaptive().decay(java.time.Duration.ofHours(2));
        case "adaptive.failurePenalty" -> Pickers.adaptive().failurePenalty(java.time.Duration.ofSeconds(-1));
        default -> Pickers.adaptive().candidates(Integer.parseInt(value));
      }
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError(name + "." + method + " accepted " + value);
  }

  @Test
  void refusedValues_exactMessages() {
    assertThatThrownBy(() -> Pickers.named("adaptive(candidates=1)"))
        .hasMessage("candidates: 1 (expected: 2 or more)");
    assertThatThrownBy(() -> Pickers.named("peakEwma(decay=2h)"))
        .hasMessage("decay: PT2H (expected: PT0.001S to PT1H)");
    assertThatThrownBy(() -> Pickers.named("adaptive(failurePenalty=-1s)"))
        .hasMessage("failurePenalty: PT-1S (expected: 0 to PT1H)");
    assertThatThrownBy(() -> Pickers.named("reportedLoad(weightUpdatePeriod=50ms)"))
        .hasMessage("weightUpdatePeriod: PT0.05S (expected: PT0.1S to PT1H)");
    assertThatThrownBy(() -> Pickers.named("reportedLoad(errorUtilizationPenalty=-1)"))
        .hasMessage("errorUtilizationPenalty: -1.0 (expected: a finite number, 0 or more)");
  }

  @Test
  void nullText_isRejected() {
    assertThatThrownBy(() -> Pickers.named(null)).isInstanceOf(NullPointerException.class).hasMessage("text");
  }
}
