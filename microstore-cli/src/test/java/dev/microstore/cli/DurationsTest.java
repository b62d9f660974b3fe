package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parse_shortForms() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void parse_iso8601() {
    assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("pt1h30m")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void parse_otherForms_nameTheValueAndTheAcceptedForms() {
    for (String bad : new String[] {"5", "5x", "1d", "s", "-5s", "PTXS", "", "1.5s"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("duration \"" + bad + "\" is invalid: " + Durations.ACCEPTED);
    }
  }

  @Test
  void parse_negativeIso_isRejected() {
    assertThatThrownBy(() -> Durations.parse("PT-5S"))
        .hasMessage("duration \"PT-5S\" is invalid: it must not be negative");
  }

  @Test
  void format_isShortAndReadable() {
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.format(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(Durations.format(Duration.ofSeconds(312))).isEqualTo("5m12s");
    assertThat(Durations.format(Duration.ofMinutes(185))).isEqualTo("3h05m");
    assertThat(Durations.format(Duration.ofHours(52))).isEqualTo("2d4h");
  }
}
