package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The fast path that reads the sequence of a publish acknowledgement from its bytes. */
class PublishAckParsingTest {
  private static long seq(String json) {
    return Writes.quickSequence(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theUsualReplies_giveTheirSequence() {
    assertThat(seq("{\"stream\":\"KV_orders\",\"seq\":42}")).isEqualTo(42);
    assertThat(seq("{\"stream\":\"KV_orders\",\"seq\":9007199254740993,\"duplicate\":true}"))
        .isEqualTo(9007199254740993L);
    assertThat(seq("{\"stream\":\"KV_o\",\"domain\":\"hub\",\"seq\":7}")).isEqualTo(7);
  }

  @Test
  void errorsAndOtherShapes_areLeftToJnats() {
    assertThat(seq("{\"error\":{\"code\":400,\"err_code\":10071,\"description\":\"wrong\"}}"))
        .isEqualTo(-1);
    assertThat(seq("{\"stream\":\"KV_o\"}")).isEqualTo(-1);
    assertThat(seq("{\"stream\":\"KV_o\",\"seq\":}")).isEqualTo(-1);
    assertThat(seq("{\"stream\":\"KV_o\",\"seq\":12x}")).isEqualTo(-1);
    assertThat(seq("{\"stream\":\"KV_o\",\"seq\":12")).isEqualTo(-1);
  }
}
