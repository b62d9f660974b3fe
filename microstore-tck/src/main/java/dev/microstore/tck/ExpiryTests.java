package dev.microstore.tck;

import static dev.microstore.tck.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.microstore.NotFoundException;
import dev.microstore.Record;
import dev.microstore.WriteOptions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Per-record expiry (feature {@link StoreFeature#EXPIRY}): each of the three ways to ask for it
 * makes the record disappear from exact reads, prefix reads and lists within the TTL plus {@link
 * StoreFactory#expiryTolerance()}; reads report the time left.
 */
abstract class ExpiryTests extends KitTests {
  static final Duration SHORT_TTL = Duration.ofSeconds(1);
  static final Duration POLL_INTERVAL = Duration.ofMillis(50);

  ExpiryTests(StoreContract kit) {
    super(kit);
  }

  private Duration deadline(Duration ttl) {
    return ttl.plus(factory().expiryTolerance());
  }

  /** Waits until the key is gone from exact read, prefix read and list, where "keep" stays. */
  private void awaitExpired(String db, String key) {
    await("expiry of " + key)
        .pollInterval(POLL_INTERVAL)
        .atMost(deadline(SHORT_TTL))
        .untilAsserted(
            () -> {
              assertThatThrownBy(() -> store().read(key, from(db)))
                  .isInstanceOf(NotFoundException.class);
              assertThat(keys(store().read("", prefixIn(db)))).containsExactly("keep");
              assertThat(store().list(listOf(db))).containsExactly("keep");
            });
  }

  /** Writes the record that must not expire, then the expiring one, and checks both are there. */
  private String writeExpiring(Record record, WriteOptions options) {
    String db = options.database().orElseThrow();
    store().write(Record.of("keep", "v"), to(db));
    store().write(record, options);
    assertThat(store().list(listOf(db))).as("right after the write").contains(record.key());
    return db;
  }

  @Test
  void expiry_recordExpiry_removesRecordFromExactRead() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    store().write(Record.builder("k").value("v").expiry(SHORT_TTL).build(), to(db));
    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("v");

    await("expiry of k")
        .pollInterval(POLL_INTERVAL)
        .atMost(deadline(SHORT_TTL))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> store().read("k", from(db)))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("\"k\""));
  }

  @Test
  void expiry_recordExpiry_removesRecordFromPrefixRead() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    writeExpiring(Record.builder("k").value("v").expiry(SHORT_TTL).build(), to(db));

    await("expiry of k")
        .pollInterval(POLL_INTERVAL)
        .atMost(deadline(SHORT_TTL))
        .untilAsserted(
            () -> assertThat(keys(store().read("", prefixIn(db)))).containsExactly("keep"));
  }

  @Test
  void expiry_recordExpiry_removesRecordFromList() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    writeExpiring(Record.builder("k").value("v").expiry(SHORT_TTL).build(), to(db));

    await("expiry of k")
        .pollInterval(POLL_INTERVAL)
        .atMost(deadline(SHORT_TTL))
        .untilAsserted(() -> assertThat(store().list(listOf(db))).containsExactly("keep"));
  }

  @Test
  void expiry_ttlOption_removesRecord() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    writeExpiring(Record.of("k", "v"), WriteOptions.builder().database(db).ttl(SHORT_TTL).build());

    awaitExpired(db, "k");
  }

  @Test
  void expiry_expiryInstantOption_removesRecord() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    writeExpiring(
        Record.of("k", "v"),
        WriteOptions.builder().database(db).expiry(Instant.now().plus(SHORT_TTL)).build());

    awaitExpired(db, "k");
  }

  @Test
  void expiry_recordExpiryInTable_removesRecord() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    store().write(Record.of("keep", "v"), to(db, "t"));
    store().write(Record.builder("k").value("v").expiry(SHORT_TTL).build(), to(db, "t"));

    await("expiry of t_k")
        .pollInterval(POLL_INTERVAL)
        .atMost(deadline(SHORT_TTL))
        .untilAsserted(() -> assertThat(store().list(listOf(db, "t"))).containsExactly("keep"));
    assertThatThrownBy(() -> store().read("k", from(db, "t")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void expiry_beforeExpiry_readReportsRemainingTimeWithinTtl() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    Duration ttl = Duration.ofMinutes(1);
    store().write(Record.of("k", "v"), WriteOptions.builder().database(db).ttl(ttl).build());

    Duration left = readOne("k", from(db)).expiry();
    Duration leftInPrefixRead = store().read("k", prefixIn(db)).get(0).expiry();

    assertThat(left).isPositive().isLessThanOrEqualTo(ttl);
    assertThat(leftInPrefixRead).isPositive().isLessThanOrEqualTo(ttl);
  }

  @Test
  void expiry_beforeExpiry_recordExpiryReportsRemainingTimeWithinIt() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    Duration ttl = Duration.ofMinutes(1);
    store().write(Record.builder("k").value("v").expiry(ttl).build(), to(db));

    assertThat(readOne("k", from(db)).expiry()).isPositive().isLessThanOrEqualTo(ttl);
  }

  @Test
  void expiry_nonExpiringRecord_reportsZero() {
    String db = newDatabase();
    store().write(Record.of("k", "v"), to(db));

    assertThat(readOne("k", from(db)).expiry()).isZero();
    assertThat(store().read("k", prefixIn(db)).get(0).expiry()).isZero();
  }

  @Test
  void expiry_ttlOption_winsOverExpiryInstantOption() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    WriteOptions options =
        WriteOptions.builder()
            .database(db)
            .ttl(Duration.ofHours(1))
            .expiry(Instant.now().plusSeconds(30))
            .build();

    store().write(Record.of("k", "v"), options);

    assertThat(readOne("k", from(db)).expiry())
        .isGreaterThan(Duration.ofMinutes(30))
        .isLessThanOrEqualTo(Duration.ofHours(1));
  }

  @Test
  void expiry_ttlOption_winsOverRecordExpiry() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();

    store()
        .write(
            Record.builder("k").value("v").expiry(Duration.ofHours(1)).build(),
            WriteOptions.builder().database(db).ttl(Duration.ofSeconds(30)).build());

    assertThat(readOne("k", from(db)).expiry())
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void expiry_expiryInstantOption_winsOverRecordExpiry() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();

    store()
        .write(
            Record.builder("k").value("v").expiry(Duration.ofHours(1)).build(),
            WriteOptions.builder().database(db).expiry(Instant.now().plusSeconds(30)).build());

    assertThat(readOne("k", from(db)).expiry())
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void expiry_overwriteWithoutExpiry_makesRecordPermanent() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    store()
        .write(
            Record.of("k", "v1"),
            WriteOptions.builder().database(db).ttl(Duration.ofMinutes(1)).build());

    store().write(Record.of("k", "v2"), to(db));

    Record r = readOne("k", from(db));
    assertThat(r.valueAsString()).isEqualTo("v2");
    assertThat(r.expiry()).isZero();
  }

  @Test
  void expiry_instantInThePast_isRejectedAndWritesNothing() {
    assumeFeature(StoreFeature.EXPIRY);
    String db = newDatabase();
    Instant past = Instant.now().minusSeconds(60);
    WriteOptions options = WriteOptions.builder().database(db).expiry(past).build();

    assertThatThrownBy(() -> store().write(Record.of("k", "v"), options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expiry " + past)
        .hasMessageContaining("future");
    assertThat(databases()).doesNotContain(db);
    assertThat(store().list(listOf(db))).isEmpty();
  }

  @Test
  void expiry_negativeTtl_isRejectedNamingValue() {
    assertThatThrownBy(() -> WriteOptions.builder().ttl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl PT-1S")
        .hasMessageContaining("positive");
  }

  @Test
  void expiry_zeroTtl_isRejectedNamingValue() {
    assertThatThrownBy(() -> WriteOptions.builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl PT0S")
        .hasMessageContaining("positive");
  }

  @Test
  void expiry_negativeRecordExpiry_isRejectedNamingValue() {
    assertThatThrownBy(() -> Record.builder("k").expiry(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expiry PT-1S")
        .hasMessageContaining("must not be negative");
  }

  @Test
  void expiry_expiredKey_countsAsAbsentForIfAbsent() {
    assumeFeature(StoreFeature.EXPIRY);
    assumeFeature(StoreFeature.REVISIONS);
    String db = newDatabase();
    store().write(Record.builder("k").value("old").expiry(SHORT_TTL).build(), to(db));

    await("expiry of k")
        .pollInterval(POLL_INTERVAL)
        .atMost(deadline(SHORT_TTL))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> store().read("k", from(db)))
                    .isInstanceOf(NotFoundException.class));
    store().write(Record.of("k", "new"), WriteOptions.builder().database(db).ifAbsent().build());

    assertThat(readOne("k", from(db)).valueAsString()).isEqualTo("new");
  }

  @Test
  void expiry_withoutFeature_writesAskingForExpiryAreRejected() {
    assumeFalse(supports(StoreFeature.EXPIRY), "the store declares EXPIRY");
    String db = newDatabase();
    Record withExpiry = Record.builder("k").value("v").expiry(Duration.ofMinutes(1)).build();
    WriteOptions withTtl = WriteOptions.builder().database(db).ttl(Duration.ofMinutes(1)).build();
    WriteOptions withInstant =
        WriteOptions.builder().database(db).expiry(Instant.now().plusSeconds(60)).build();

    assertThatThrownBy(() -> store().write(withExpiry, to(db)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().write(Record.of("k", "v"), withTtl))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().write(Record.of("k", "v"), withInstant))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store().list(listOf(db))).isEmpty();
  }
}
