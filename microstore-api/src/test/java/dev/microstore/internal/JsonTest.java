package dev.microstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parse_everyType_producesMapListStringLongDoubleBooleanNull() {
    Object value =
        Json.parse(
            " {\"s\":\"a\\\"b\\u00e9\\n\",\"i\":-12,\"d\":1.5e2,\"t\":true,\"f\":false,\"z\":null,"
                + "\"l\":[1,[],{}],\"big\":12345678901234567890} ");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("s", "a\"bé\n");
    expected.put("i", -12L);
    expected.put("d", 150.0);
    expected.put("t", true);
    expected.put("f", false);
    expected.put("z", null);
    expected.put("l", List.of(1L, List.of(), Map.of()));
    expected.put("big", 1.2345678901234567e19);
    assertThat(value).isEqualTo(expected);
  }

  @Test
  void parse_surrogatePairEscape_decodesToOneCodePoint() {
    assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("\uD83D\uDE00");
  }

  @Test
  void parse_trailingGarbage_namesPosition() {
    assertThatThrownBy(() -> Json.parse("{} x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unexpected 'x' after the JSON value at position 4");
  }

  @Test
  void parse_missingColon_namesWhatWasExpected() {
    assertThatThrownBy(() -> Json.parse("{\"a\" 1}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unexpected '1', expected ':' at position 6");
  }

  @Test
  void parse_invalidInputs_throwIllegalArgument() {
    for (String bad :
        Arrays.asList(
            "", "{", "[1,]", "01", "1.", "-", "tru", "\"abc", "{\"a\":1,}", "\"\t\"", "\"\\x\"")) {
      assertThatThrownBy(() -> Json.parse(bad))
          .as(bad)
          .isInstanceOf(Json.MalformedJsonException.class);
    }
  }

  @Test
  void parse_deepNesting_isRejectedWithoutStackOverflow() {
    String deep = "[".repeat(100_000);
    assertThatThrownBy(() -> Json.parse(deep)).hasMessageContaining("nesting deeper than");
  }

  @Test
  void parseObject_nonObject_namesTheOptionAndType() {
    assertThatThrownBy(() -> Json.parseObject("[1]", "--metadata"))
        .hasMessage("--metadata must be a JSON object such as {\"a\":1}, not an array");
  }

  @Test
  void write_roundTripsParse() {
    String text = "{\"a\":\"x\\ny\\\"\\\\\",\"n\":5,\"d\":2.5,\"l\":[true,null],\"o\":{}}";
    assertThat(Json.write(Json.parse(text))).isEqualTo(text);
  }

  @Test
  void write_controlCharactersAndLineSeparators_areEscaped() {
    assertThat(Json.write("\u0001\u2028")).isEqualTo("\"\\u0001\\u2028\"");
  }
}
