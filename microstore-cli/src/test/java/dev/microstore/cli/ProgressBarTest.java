package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void render_showsBarCountAndPercent() {
    assertThat(ProgressBar.render(5, 10, "importing"))
        .isEqualTo("importing [###############---------------] 5/10  50%");
  }

  @Test
  void enabled_drawsInPlace_andFinishErasesTheLine() {
    StringWriter err = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(err), "importing", 2, true, 0);
    bar.step();
    bar.step();
    bar.finish();
    String full = ProgressBar.render(2, 2, "importing");
    assertThat(err.toString())
        .startsWith("\rimporting [")
        .endsWith("\r" + " ".repeat(full.length()) + "\r");
  }

  @Test
  void notAtATerminal_printsNothing() {
    StringWriter err = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(err), "importing", 2, false, 0);
    bar.step();
    bar.finish();
    assertThat(err.toString()).isEmpty();
  }
}
