package dev.microstore.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.tck.GoPluginData.GoRecord;
import dev.microstore.tck.GoPluginData.LimitCase;
import dev.microstore.tck.GoPluginData.ListCase;
import dev.microstore.tck.GoPluginData.Scope;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenarios of the Go plugin's tests, data-driven: its record table is written to the default
 * database and the databases {@code new-bucket}, {@code prefix-test} and {@code meta-data-test}
 * before each test, then read back, listed and deleted as the Go tests did. The Go tests checked
 * counts; these check the keys, sorted.
 */
abstract class GoPluginScenarioTests extends KitTests {
  private static final String DATA = "dev.microstore.tck.GoPluginData#";

  GoPluginScenarioTests(StoreContract kit) {
    super(kit);
  }

  private boolean arbitraryKeys() {
    return supports(StoreFeature.ARBITRARY_KEYS);
  }

  private boolean writable(String storedKey) {
    return arbitraryKeys() || GoPluginData.isPortableKey(storedKey);
  }

  private List<String> writableOnly(List<String> keys) {
    return keys.stream().filter(this::writable).collect(Collectors.toList());
  }

  /** Writes the Go record table, as every Go test began by doing. */
  @BeforeEach
  void writeGoRecordTable() {
    for (String db : GoPluginData.OWNED_DATABASES) {
      kit().ownDatabase(db);
    }
    for (GoRecord r : GoPluginData.RECORDS) {
      if (writable(r.storedKey())) {
        store().write(r.record, to(r.database, r.table));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DATA + "records")
  void goRecord_writtenWithTheOthers_readsBackWithSameKeyValueAndMetadata(GoRecord r) {
    assumeTrue(writable(r.storedKey()), "the store does not declare ARBITRARY_KEYS");

    Record read = readOne(r.record.key(), from(r.database, r.table));

    assertThat(read.key()).isEqualTo(r.record.key());
    assertThat(read.value()).isEqualTo(r.record.value());
    assertThat(read.metadata()).isEqualTo(r.record.metadata());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DATA + "records")
  void goRecord_deleted_readThrowsNotFound(GoRecord r) {
    assumeTrue(writable(r.storedKey()), "the store does not declare ARBITRARY_KEYS");

    store().delete(r.record.key(), deleteFrom(r.database, r.table));

    assertThatThrownBy(() -> store().read(r.record.key(), from(r.database, r.table)))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(r.record.key());
    assertThat(store().list(listOf(r.database, r.table))).doesNotContain(r.record.key());
  }

  @ParameterizedTest(name = "database \"{0}\"")
  @MethodSource(DATA + "databases")
  void goDatabase_randomKey_throwsNotFound(String database) {
    String expectedDatabase = database.isEmpty() ? DEFAULT_DATABASE : database;

    assertThatThrownBy(() -> store().read("this-is-a-random-key", from(database)))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.database()).isEqualTo(expectedDatabase))
        .hasMessageContaining("this-is-a-random-key")
        .hasMessageContaining(expectedDatabase);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DATA + "listCases")
  void goList_case_returnsExpectedKeys(ListCase c) {
    List<String> keys =
        store()
            .list(
                list(c.database, c.table)
                    .prefix(c.prefix)
                    .suffix(c.suffix)
                    .offset(c.offset)
                    .limit(c.limit)
                    .build());

    assertThat(keys).containsExactlyElementsOf(writableOnly(c.expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DATA + "readCases")
  void goRead_caseWithPrefixOrSuffix_returnsExpectedRecords(ListCase c) {
    // As in Go: the key is the prefix, or the suffix when one is given; both flags may be set.
    ReadOptions.Builder options = read(c.database, c.table).offset(c.offset).limit(c.limit);
    String key = c.prefix;
    if (!c.prefix.isEmpty()) {
      options.prefix();
    }
    if (!c.suffix.isEmpty()) {
      key = c.suffix;
      options.suffix();
    }

    List<Record> records = store().read(key, options.build());

    assertThat(keys(records)).containsExactlyElementsOf(c.expected);
    assertThat(records).allSatisfy(r -> assertThat(r.valueAsString()).isEqualTo("Some value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DATA + "scopes")
  void goList_perDatabaseAndTable_returnsItsRecords(Scope scope) {
    List<String> expected = GoPluginData.keysIn(scope, arbitraryKeys());

    assertThat(store().list(listOf(scope.database, scope.table)))
        .isNotEmpty()
        .containsExactlyElementsOf(expected);
    assertThat(keys(store().read("", prefixIn(scope.database, scope.table))))
        .containsExactlyElementsOf(expected);
  }

  @Test
  void goDeleteBucket_prefixTest_leavesNothingToListOrRead() {
    assertThat(store().deleteDatabase(GoPluginData.PREFIX_TEST)).isTrue();

    assertThat(store().list(listOf(GoPluginData.PREFIX_TEST))).isEmpty();
    assertThat(store().read("", prefixIn(GoPluginData.PREFIX_TEST))).isEmpty();
    assertThat(store().list(listOf(GoPluginData.NEW_BUCKET))).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(DATA + "limitCases")
  void goEnforceLimits_case_pagesListAndPrefixRead(LimitCase c) {
    String db = newDatabase();
    writeKeys(db, "", GoPluginData.LIMIT_KEYS.toArray(new String[0]));

    List<String> listed = store().list(list(db).offset(c.offset).limit(c.limit).build());
    List<Record> read = store().read("", read(db).prefix().offset(c.offset).limit(c.limit).build());

    assertThat(listed).containsExactlyElementsOf(c.expected);
    assertThat(keys(read)).containsExactlyElementsOf(c.expected);
  }
}
