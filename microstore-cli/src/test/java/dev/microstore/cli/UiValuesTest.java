package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the web console shows values and their differences, and how it escapes text. */
class UiValuesTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonObjectsAndArrays_areIndented() {
    assertThat(UiValues.display(utf8("{\"a\":[1,{\"b\":null}],\"c\":{}}")))
        .isEqualTo("{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {}\n}");
    assertThat(UiValues.kind(utf8("[1, 2]"))).isEqualTo(UiValues.Kind.JSON);
  }

  @Test
  void textThatIsNotAJsonObjectOrArray_isShownAsItIs() {
    assertThat(UiValues.kind(utf8("42"))).isEqualTo(UiValues.Kind.TEXT);
    assertThat(UiValues.kind(utf8("{not json"))).isEqualTo(UiValues.Kind.TEXT);
    assertThat(UiValues.display(utf8("{not json"))).isEqualTo("{not json");
  }

  @Test
  void binaryValues_areShownAsAHexDump() {
    byte[] value = new byte[18];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) (0x41 + i);
    }
    value[17] = (byte) 0xff;
    assertThat(UiValues.kind(value)).isEqualTo(UiValues.Kind.BINARY);
    assertThat(UiValues.display(value))
        .isEqualTo(
            "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP\n"
                + "00000010  51 ff                                             Q.\n");
  }

  @Test
  void diff_marksRemovedThenAddedLines_betweenUnchangedOnes() {
    assertThat(UiValues.diffHtml(utf8("a\nb\nc"), utf8("a\nx\nc\nd")))
        .isEqualTo(
            "<pre class=\"diff\"><span>  a</span>\n<del>- b</del>\n<ins>+ x</ins>\n"
                + "<span>  c</span>\n<ins>+ d</ins>\n</pre>");
  }

  @Test
  void diff_escapesTheLines() {
    assertThat(UiValues.diffHtml(utf8("<b>"), utf8("<script>")))
        .contains("<del>- &lt;b&gt;</del>", "<ins>+ &lt;script&gt;</ins>");
  }

  @Test
  void text_escapesEveryCharacterThatMeansSomethingInHtml() {
    assertThat(UiHtml.text("<a href=\"x\" title='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  }

  @Test
  void preview_isOneShortLine() {
    assertThat(UiValues.preview(utf8("a\n  b\tc"), 80)).isEqualTo("a b c");
    assertThat(UiValues.preview(utf8("abcdef"), 4)).isEqualTo("abc…");
    assertThat(UiValues.preview(new byte[] {(byte) 0xff, 0}, 80)).isEqualTo("(2 bytes of binary)");
  }

  @Test
  void valuesOverTheDiffLimit_areNotCompared() {
    byte[] big = new byte[UiValues.MAX_DIFF_BYTES + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    assertThat(UiValues.diff(big, "a".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNull();
    assertThat(UiValues.diff("a".getBytes(java.nio.charset.StandardCharsets.UTF_8), big)).isNull();
  }
}
