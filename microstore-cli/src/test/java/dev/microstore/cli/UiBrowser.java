package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven by chromedriver (Debian's {@code chromium} and {@code chromium-driver}
 * packages, which {@code scripts/install-browser.sh} installs), with waits on conditions and
 * screenshots for the documentation: written to the folder of the system property {@value
 * #SCREENSHOTS} (relative to the repository root) when it is set, else not at all.
 */
final class UiBrowser implements AutoCloseable {
  static final String SCREENSHOTS = "microstore.ui.screenshots";
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  final ChromeDriver driver;
  private final Path profile;

  private UiBrowser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /**
   * Starts the browser.
   *
   * @throws AssertionError naming the install script when chromium or chromedriver is missing
   */
  static UiBrowser start() throws IOException {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as(
            "the browser tests need %s and %s (Debian's chromium and chromium-driver packages):"
                + " run scripts/install-browser.sh",
            CHROMIUM, CHROMEDRIVER)
        .isTrue();
    Path profile = Files.createTempDirectory("microstore-ui-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new UiBrowser(new ChromeDriver(service, options), profile);
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Waits (at most 10 s) until the condition holds, and returns its value. */
  <T> T await(Function<WebDriver, T> condition) {
    return await(Duration.ofSeconds(10), condition);
  }

  <T> T await(Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(25)).until(condition::apply);
  }

  /** Waits until an element matching the selector is visible, and returns it. */
  WebElement visible(String css) {
    return await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css))::apply);
  }

  /** Waits until the element's text contains the text. */
  void awaitText(String css, String text) {
    await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text)::apply);
  }

  /** Saves a screenshot as NAME.png when screenshots are asked for. */
  void screenshot(String name) throws IOException {
    String dir = System.getProperty(SCREENSHOTS);
    if (dir == null || dir.isBlank()) {
      return;
    }
    Path folder = Path.of(dir);
    if (!folder.isAbsolute()) {
      // the tests run in microstore-cli/; the property names a folder of the repository
      folder = Path.of("").toAbsolutePath().getParent().resolve(folder);
    }
    Files.createDirectories(folder);
    // the whole page: the window grows to the page's height for the picture
    Dimension window = driver.manage().window().getSize();
    long height = (Long) driver.executeScript("return document.documentElement.scrollHeight");
    driver
        .manage()
        .window()
        .setSize(
            new Dimension(window.getWidth(), (int) Math.max(height + 140, window.getHeight())));
    try {
      driver.executeScript("window.scrollTo(0, 0)");
      Files.write(folder.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } finally {
      driver.manage().window().setSize(window);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
