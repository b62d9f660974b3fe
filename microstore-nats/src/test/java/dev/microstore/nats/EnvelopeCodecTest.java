package dev.microstore.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte-level fast path of the envelope gives exactly what the general JSON path gives. */
class EnvelopeCodecTest {
  private static void assertSameAsGeneral(byte[] stored) {
    EnvelopeCodec.Decoded fast = EnvelopeCodec.decode(stored);
    EnvelopeCodec.Decoded general = EnvelopeCodec.decodeGeneral(stored);
    assertThat(fast.data).as(new String(stored, StandardCharsets.UTF_8)).isEqualTo(general.data);
    assertThat(fast.metadata).isEqualTo(general.metadata);
    assertThat(fast.envelope).isEqualTo(general.envelope);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"key\":\"k\",\"data\":\"aGVsbG8=\",\"metadata\":null}",
        "{\"key\":\"k\",\"data\":\"aGVsbG8=\",\"metadata\":{}}",
        "{\"key\":\"k\",\"data\":\"\",\"metadata\":null}",
        "{\"key\":\"k\",\"data\":null,\"metadata\":null}",
        "{\"key\":\"\\u003ck\",\"data\":\"aGVsbG8=\",\"metadata\":null}",
        "{\"key\":\"k\",\"data\":\"not base64!\",\"metadata\":null}",
        "{\"key\":\"k\",\"data\":\"aGVsbG8\",\"metadata\":null}",
        "{\"key\":\"k\",\"data\":\"aGVsbG8=\",\"metadata\":null} ",
        "{\"key\":\"k\",\"data\":\"aGVsbG8=\",\"metadata\":null}}",
        "{\"key\":\"k\",\"data\":\"aGVsbG8=\",\"metadata\":{\"a\":1}}",
        "{\"key\":\"k\",\"data\":\"aGVsbG8=\"}",
        "{\"key\":\"k\",\"data\":\"aGVs\\nbG8=\",\"metadata\":null}",
        "{\"key\":\"k\u00e9\",\"data\":\"aGVsbG8=\",\"metadata\":null}",
        "{\"key\":\"k",
        "{\"key\":\"k\",\"data\":\"",
        "plain text",
        ""
      })
  void decode_fastPath_agreesWithTheGeneralPath(String stored) {
    assertSameAsGeneral(stored.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encodeThenDecode_roundTrips_forRandomKeysValuesAndMetadata() {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      StringBuilder key = new StringBuilder();
      int n = 1 + random.nextInt(12);
      for (int j = 0; j < n; j++) {
        key.append(
            (char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
      }
      byte[] value = new byte[random.nextInt(300)];
      random.nextBytes(value);
      Map<String, @Nullable Object> metadata = new LinkedHashMap<>();
      if (random.nextInt(4) == 0) {
        metadata.put("n", (long) random.nextInt());
        metadata.put("s", "x\"y");
      }

      byte[] stored = EnvelopeCodec.encode(key.toString(), value, metadata);

      assertThat(stored).isEqualTo(EnvelopeCodec.encodeGeneral(key.toString(), value, metadata));
      EnvelopeCodec.Decoded d = EnvelopeCodec.decode(stored);
      assertThat(d.envelope).isTrue();
      assertThat(d.data).isEqualTo(value);
      assertThat(d.metadata).isEqualTo(metadata);
      assertSameAsGeneral(stored);
    }
  }
}
