package dev.microstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microstore.DatabaseInfo;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import dev.microstore.nats.NatsStore;
import dev.microstore.testing.NatsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real headless Chromium, against a real nats-server: {@code microstore ui}
 * runs through the command line, and another client (a store of the test) changes the data behind
 * its back. Each test uses its own databases.
 */
class UiBrowserTest {
  private static NatsServer server;
  private static Store other;
  private static Store otherWithHistory;
  private static Cli cli;
  private static UiConsole console;
  private static UiBrowser browser;

  /** On a failure, the page the browser showed, for the test's output. */
  @RegisterExtension
  final TestWatcher pageOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (browser != null) {
            System.out.println(
                context.getDisplayName()
                    + " failed at "
                    + browser.driver.getCurrentUrl()
                    + ":\n"
                    + browser.driver.getPageSource());
          }
        }
      };

  @BeforeAll
  static void start() throws Exception {
    server = NatsServer.builder().start();
    other = NatsStore.builder().servers(server.url()).encodeKeys().build();
    otherWithHistory = NatsStore.builder().servers(server.url()).encodeKeys().history(8).build();
    cli = Cli.with("--server", server.url(), "--encode-keys");
    console = UiConsole.start(cli, "--port", "0");
    browser = UiBrowser.start();
    browser.open(console.url());
    browser.visible("#databases");
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c :
        new AutoCloseable[] {browser, console, other, otherWithHistory, server}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static WriteOptions in(String db) {
    return WriteOptions.builder().database(db).build();
  }

  private static String page(String pathAndQuery) {
    return console.base() + pathAndQuery.substring(1);
  }

  private static String value(String db, String key) {
    return other.read(key, ReadOptions.builder().database(db).build()).get(0).valueAsString();
  }

  @Test
  void databases_areListedWithTheirInfo_andCreatedWithBucketOptions() throws Exception {
    other.write(Record.of("a", "1"), in("ui-listed"));
    browser.open(console.base());
    WebElement row = browser.visible("tr[data-database='ui-listed']");
    assertThat(row.getText()).contains("ui-listed", "file");

    browser.find("#create-database input[name=name]").sendKeys("ui-created");
    WebElement history = browser.find("#create-database input[name=history]");
    history.clear();
    history.sendKeys("5");
    browser.find("#create-database input[name=ttl]").sendKeys("1h");
    new Select(browser.find("#create-database select[name=storage]")).selectByValue("memory");
    browser.find("#create-database button").click();

    browser.awaitText("#database-info", "history 5");
    assertThat(browser.find("h1").getText()).isEqualTo("ui-created");
    assertThat(browser.find("#database-info").getText()).contains("TTL 1h", "memory");
    DatabaseInfo info = other.info("ui-created").orElseThrow();
    assertThat(info.history()).isEqualTo(5);
    assertThat(info.storage()).isEqualTo("memory");
    assertThat(info.ttl()).isEqualTo(Duration.ofHours(1));

    browser.open(console.base());
    browser.visible("tr[data-database='ui-created']");
    browser.screenshot("databases");
  }

  @Test
  void database_isDeletedOnlyAfterItsNameIsTyped() {
    other.write(Record.of("a", "1"), in("ui-doomed"));
    browser.open(console.base());
    WebElement row = browser.visible("tr[data-database='ui-doomed']");
    row.findElement(By.tagName("summary")).click();
    row.findElement(By.name("confirm")).sendKeys("ui-doom");
    row.findElement(By.cssSelector("button")).click();
    browser.awaitText("#error", "was not deleted");
    assertThat(other.info("ui-doomed")).isPresent();

    browser.open(console.base());
    row = browser.visible("tr[data-database='ui-doomed']");
    row.findElement(By.tagName("summary")).click();
    row.findElement(By.name("confirm")).sendKeys("ui-doomed");
    row.findElement(By.cssSelector("button")).click();
    browser.visible("#databases");
    assertThat(browser.driver.findElements(By.cssSelector("tr[data-database='ui-doomed']")))
        .isEmpty();
    assertThat(other.info("ui-doomed")).isEmpty();
  }

  @Test
  void keys_areBrowsedByTable_pagedAndSearchedByPrefix() throws Exception {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      records.add(Record.of(String.format("users_user-%03d", i), "{\"n\":" + i + "}"));
    }
    records.add(Record.of("orders_o-1", "paid"));
    records.add(Record.of("orders_o-2", "new"));
    records.add(Record.of("plain", "no table"));
    other.writeAll(records, in("ui-browse"));

    browser.open(page("/db/ui-browse"));
    browser.awaitText("#tables a[data-table=users]", "users (120)");
    assertThat(browser.find("#tables a[data-table=orders]").getText()).isEqualTo("orders (2)");
    assertThat(browser.find("#page-range").getText()).isEqualTo("keys 1–50");

    browser.find("#tables a[data-table=users]").click();
    browser.awaitText("#tables a.current", "users");
    assertThat(keysShown()).hasSize(50).startsWith("user-000", "user-001").endsWith("user-049");
    browser.find("#next").click();
    browser.awaitText("#page-range", "keys 51–100");
    assertThat(keysShown()).startsWith("user-050");
    browser.find("#next").click();
    browser.awaitText("#page-range", "keys 101–120");
    assertThat(browser.driver.findElements(By.id("next"))).isEmpty();
    browser.find("#prev").click();
    browser.awaitText("#page-range", "keys 51–100");

    browser.find("#prefix").sendKeys("user-11"); // searched as typed (htmx), from the first page
    browser.await(d -> keysShown().size() == 10);
    assertThat(keysShown()).allMatch(k -> k.startsWith("user-11"));
    assertThat(browser.driver.getCurrentUrl()).contains("prefix=user-11");
    browser.screenshot("browse");
  }

  @SuppressWarnings("unchecked")
  private static List<String> keysShown() {
    // read in one go: htmx may swap the rows while they are read one by one
    return (List<String>)
        browser.driver.executeScript(
            "return Array.from(document.querySelectorAll('#keys tr[data-key]'))"
                + ".map(row => row.dataset.key)");
  }

  @Test
  void record_isShownAsPrettyJson_withMetadataRevisionAndHistoryDifferences() throws Exception {
    String db = "ui-record";
    Record first =
        Record.builder("ada")
            .value("{\"name\":\"Ada\",\"langs\":[\"en\",\"fr\"]}")
            .metadata(Map.of("owner", "ops"))
            .build();
    otherWithHistory.write(first, in(db));
    long revision =
        otherWithHistory.write(
            first.toBuilder().value("{\"name\":\"Ada\",\"langs\":[\"en\",\"fr\",\"de\"]}").build(),
            in(db));

    browser.open(page("/db/ui-record"));
    browser.visible("#keys a.key").click();
    browser.awaitText("#record-key", "ada");
    assertThat(browser.find("#value-kind").getText()).isEqualTo("JSON");
    assertThat(browser.find("#value").getText()).contains("\"langs\": [", "    \"de\"");
    assertThat(browser.find("#metadata").getText()).contains("owner", "\"ops\"");
    assertThat(browser.find("#revision").getText()).isEqualTo(Long.toString(revision));
    assertThat(browser.driver.findElements(By.cssSelector("#history tbody tr"))).hasSize(2);
    browser.find("#history details summary").click();
    assertThat(browser.visible("#history details pre.diff").getText())
        .contains("-     \"fr\"\n+     \"fr\",\n+     \"de\"");
    browser.screenshot("record");

    other.write(Record.of("blob", new byte[] {0, 1, 2, (byte) 0xff}), in(db));
    browser.open(page("/db/ui-record/record?key=blob"));
    browser.awaitText("#value-kind", "binary (hex)");
    assertThat(browser.find("#value").getText()).contains("00 01 02 ff");
  }

  @Test
  void edit_withAConflict_showsBothVersions_thenReloadsAndSaves() throws Exception {
    String db = "ui-edit";
    other.write(Record.of("doc", "first"), in(db));
    browser.open(page("/db/ui-edit/record?key=doc"));
    WebElement text = browser.visible("#edit-value");
    text.clear();
    text.sendKeys("mine");
    other.write(Record.of("doc", "theirs"), in(db)); // another client, meanwhile
    browser.find("#save").click();

    browser.visible("#conflict");
    assertThat(browser.find("#yours").getText()).isEqualTo("mine");
    assertThat(browser.find("#theirs").getText()).isEqualTo("theirs");
    assertThat(value(db, "doc")).isEqualTo("theirs");
    browser.screenshot("conflict");

    browser.find("#reload").click();
    browser.awaitText("#value", "theirs");
    text = browser.find("#edit-value");
    text.clear();
    text.sendKeys("mine, after all");
    browser.find("#edit-ttl").sendKeys("1h");
    browser.find("#save").click();
    browser.awaitText("#notice", "Saved");
    assertThat(browser.find("#value").getText()).isEqualTo("mine, after all");
    assertThat(browser.find("#expiry").getText()).startsWith("59m");
    assertThat(value(db, "doc")).isEqualTo("mine, after all");
  }

  @Test
  void ttl_isCountedDown_andTheRecordDisappearsWhenItExpires() {
    String db = "ui-ttl";
    other.write(
        Record.of("brief", "soon gone"), in(db).toBuilder().ttl(Duration.ofSeconds(3)).build());
    browser.open(page("/db/ui-ttl/record?key=brief"));
    String first = browser.visible("#expiry .countdown").getText();
    assertThat(first).endsWith("s");
    browser.await(d -> !browser.find("#expiry .countdown").getText().equals(first));
    browser.await(Duration.ofSeconds(10), d -> !d.findElements(By.id("error")).isEmpty());
    assertThat(browser.find("#error").getText()).contains("\"brief\" does not exist");
  }

  @Test
  void live_showsAChangeByAnotherClientWithinASecond_andPausesAndResumes() throws Exception {
    String db = "ui-live";
    other.write(Record.of("k1", "first"), in(db));
    browser.open(page("/db/ui-live"));
    browser.await(d -> "live".equals(browser.find("#live").getAttribute("data-state")));

    other.write(Record.of("k1", "changed by another client"), in(db));
    browser.await(Duration.ofSeconds(1), d -> liveText().contains("changed by another client"));
    WebElement k1 = browser.find("#keys tr[data-key=k1]");
    assertThat(k1.getAttribute("class")).contains("changed");
    assertThat(k1.getText()).contains("changed by another client");

    browser.find("#live-toggle").click();
    browser.await(d -> "paused".equals(browser.find("#live").getAttribute("data-state")));
    other.write(Record.of("k2", "written while paused"), in(db));
    assertThat(liveText()).doesNotContain("written while paused");
    browser.find("#live-toggle").click();
    browser.await(Duration.ofSeconds(2), d -> liveText().contains("written while paused"));
    other.delete("k2", dev.microstore.DeleteOptions.builder().database(db).build());
    browser.await(Duration.ofSeconds(1), d -> liveText().startsWith("DELETE k2"));
    browser.screenshot("live");
  }

  private static String liveText() {
    return browser.find("#live-events").getText();
  }

  @Test
  void scriptInKeysValuesAndMetadata_isShownAsText_neverRun() {
    String db = "ui-xss";
    String script = "<script>window.pwned=1;document.title='pwned'</script>";
    String img = "<img src=x onerror=\"window.pwned=2\">";
    Record record =
        Record.builder("<b>key</b>").value(script + img).metadata(Map.of("<i>", script)).build();
    otherWithHistory.write(record, in(db));
    browser.open(page("/db/ui-xss"));
    browser.await(d -> "live".equals(browser.find("#live").getAttribute("data-state")));
    assertThat(browser.visible("#keys a.key").getText()).isEqualTo("<b>key</b>");
    assertThat(browser.find("#keys td.preview").getText()).contains(script);
    other.write(record.toBuilder().value(script).build(), in(db)); // and through the live feed
    browser.await(Duration.ofSeconds(2), d -> liveText().contains(script));

    browser.find("#keys a.key").click();
    browser.awaitText("#record-key", "<b>key</b>");
    assertThat(browser.find("#value").getText()).isEqualTo(script);
    browser.find("#history details summary").click();
    assertThat(browser.find("#history").getText()).contains(img);
    assertThat(browser.find("#metadata").getText()).contains("<i>", script);
    assertThat(browser.driver.executeScript("return window.pwned === undefined")).isEqualTo(true);
    assertThat(browser.driver.getTitle()).doesNotContain("pwned");
    assertThat(browser.driver.findElements(By.cssSelector("main b, main i, main img"))).isEmpty();
  }

  @Test
  void exportAndImport_useTheJsonLinesOfTheCommandLine() {
    other.write(Record.builder("a").value("alpha").metadata(Map.of("m", 1)).build(), in("ui-exp"));
    other.write(Record.of("b", new byte[] {(byte) 0xfe}), in("ui-exp"));
    browser.open(page("/db/ui-exp"));
    String href = browser.visible("#export").getAttribute("href");
    String exported =
        (String)
            browser.driver.executeAsyncScript(
                "fetch(arguments[0]).then(r => r.text()).then(arguments[1])", href);
    assertThat(exported.lines().sorted())
        .containsExactly(
            "{\"key\":\"a\",\"value\":\"alpha\",\"value_base64\":\"YWxwaGE=\",\"metadata\":{\"m\":1},"
                + "\"revision\":1,\"expiry_seconds\":null}",
            "{\"key\":\"b\",\"value\":null,\"value_base64\":\"/g==\",\"metadata\":{},"
                + "\"revision\":2,\"expiry_seconds\":null}");

    other.write(Record.of("existing", "x"), in("ui-imp"));
    browser.open(page("/db/ui-imp"));
    browser.find("#import").findElement(By.xpath("..")).findElement(By.tagName("summary")).click();
    browser.driver.executeScript(
        "document.getElementById('import-lines').value = arguments[0]", exported);
    browser.find("#import button").click();
    browser.awaitText("#notice", "Imported 2 records");
    assertThat(value("ui-imp", "a")).isEqualTo("alpha");
    assertThat(other.list(ListOptions.builder().database("ui-imp").build()))
        .containsExactly("a", "b", "existing");
  }

  @Test
  void readOnly_refusesWritesOnTheServer() throws Exception {
    other.write(Record.of("fixed", "as it was"), in("ui-ro"));
    try (UiConsole readOnly = UiConsole.start(cli, "--port", "0", "--read-only")) {
      browser.open(readOnly.url());
      browser.visible("#read-only");
      browser.open(readOnly.base() + "db/ui-ro/record?key=fixed");
      browser.awaitText("#value", "as it was");
      assertThat(browser.driver.findElements(By.id("edit"))).isEmpty();
      Object status =
          browser.driver.executeAsyncScript(
              "const body = new URLSearchParams({key: 'fixed', revision: '1', value: 'changed',"
                  + " csrf: document.body.dataset.csrf});"
                  + "fetch('/db/ui-ro/record', {method: 'POST', body})"
                  + ".then(r => arguments[0](r.status))");
      assertThat(status).isEqualTo(403L);
      assertThat(value("ui-ro", "fixed")).isEqualTo("as it was");
    }
  }
}
