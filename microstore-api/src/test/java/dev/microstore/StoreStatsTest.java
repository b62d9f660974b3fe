package dev.microstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoreStatsTest {

  @Test
  void builder_defaults_connectedAndZero() {
    StoreStats s = StoreStats.builder("nats").build();

    assertThat(s.kind()).isEqualTo("nats");
    assertThat(s.connected()).isTrue();
    assertThat(s.reconnects()).isZero();
    assertThat(s.openWatches()).isZero();
    assertThat(s.nearCacheEntries()).isZero();
    assertThat(s.nearCacheHitRatio()).isNaN();
  }

  @Test
  void hitRatio_isHitsOverHitsAndMisses() {
    StoreStats s = StoreStats.builder("nats").nearCache(10, 3, 1).build();

    assertThat(s.nearCacheHitRatio()).isEqualTo(0.75);
    assertThat(s).isEqualTo(StoreStats.builder("nats").nearCache(10, 3, 1).build());
    assertThat(s.toString()).contains("nearCacheHits=3");
  }

  @Test
  void invalidKindOrNegativeCount_isRejectedNamingValueAndRule() {
    assertThatThrownBy(() -> StoreStats.builder("My Store"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"My Store\"")
        .hasMessageContaining("lower-case");
    assertThatThrownBy(() -> StoreStats.builder("nats").reconnects(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reconnects -1")
        .hasMessageContaining("zero or more");
    assertThatThrownBy(() -> StoreStats.builder("nats").nearCache(0, -2, 0))
        .hasMessageContaining("nearCacheHits -2");
  }
}
