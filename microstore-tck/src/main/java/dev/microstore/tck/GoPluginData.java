package dev.microstore.tck;

import dev.microstore.Record;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The data of the Go plugin's tests ({@code store/nats-js-kv/test_data.go} and {@code nats_test.go}
 * of go-micro): its record table, the eleven cases of its {@code TestList}, and the cases of its
 * {@code TestEnforceLimits}. Database {@code ""} is the store's default database, {@code default}.
 * The Go tests checked only the number of keys; here each case states the keys, sorted.
 */
final class GoPluginData {
  static final String NEW_BUCKET = "new-bucket";
  static final String PREFIX_TEST = "prefix-test";
  static final String META_DATA_TEST = "meta-data-test";

  /** The databases the records are written to, named as in the Go tests. */
  static final List<String> OWNED_DATABASES = List.of(NEW_BUCKET, PREFIX_TEST, META_DATA_TEST);

  /** The one key of the table that needs {@link StoreFeature#ARBITRARY_KEYS}. */
  static final String FORBIDDEN_KEY = "FobiddenCharactersAreAllowed:|@..+";

  private static final Pattern PORTABLE_KEY = Pattern.compile("[-/_=.A-Za-z0-9]+");

  private GoPluginData() {}

  /** One row of the Go record table: a record and where it is written. */
  static final class GoRecord {
    final String database;
    final String table;
    final Record record;

    GoRecord(String database, String table, Record record) {
      this.database = database;
      this.table = table;
      this.record = record;
    }

    String storedKey() {
      return table.isEmpty() ? record.key() : table + "_" + record.key();
    }

    @Override
    public String toString() {
      return record.key()
          + " in "
          + (database.isEmpty() ? "the default database" : database)
          + (table.isEmpty() ? "" : " table " + table);
    }
  }

  /** One case of the Go plugin's {@code TestList}, with its expected keys. */
  static final class ListCase {
    final String name;
    final String database;
    final String table;
    final String prefix;
    final String suffix;
    final int offset;
    final int limit;
    final List<String> expected;

    ListCase(
        String name,
        String database,
        String table,
        String prefix,
        String suffix,
        int offset,
        int limit,
        List<String> expected) {
      this.name = name;
      this.database = database;
      this.table = table;
      this.prefix = prefix;
      this.suffix = suffix;
      this.offset = offset;
      this.limit = limit;
      this.expected = expected;
    }

    boolean hasPrefixOrSuffix() {
      return !prefix.isEmpty() || !suffix.isEmpty();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** One case of the Go plugin's {@code TestEnforceLimits} over the keys a, b, c and d. */
  static final class LimitCase {
    final String name;
    final int offset;
    final int limit;
    final List<String> expected;

    LimitCase(String name, int offset, int limit, List<String> expected) {
      this.name = name;
      this.offset = offset;
      this.limit = limit;
      this.expected = expected;
    }

    @Override
    public String toString() {
      return name + " (offset " + offset + ", limit " + limit + ")";
    }
  }

  /** A database and table whose keys are listed. */
  static final class Scope {
    final String database;
    final String table;

    Scope(String database, String table) {
      this.database = database;
      this.table = table;
    }

    @Override
    public String toString() {
      return (database.isEmpty() ? "default database" : database)
          + (table.isEmpty() ? "" : " table " + table);
    }
  }

  private static GoRecord row(String database, String table, String key, String value) {
    return new GoRecord(database, table, Record.of(key, value));
  }

  static final List<GoRecord> RECORDS =
      List.of(
          row("", "", "One", "First value"),
          row("", "prefix_test", "Two", "Second value"),
          row(NEW_BUCKET, "", "Third", "Third value"),
          row(NEW_BUCKET, "prefix_test", "Four", "Fourth value"),
          new GoRecord(NEW_BUCKET, "", Record.of("empty-value", new byte[0])),
          row(PREFIX_TEST, "names", "Alex", "Some value"),
          row(PREFIX_TEST, "names", "Jones", "Some value"),
          row(PREFIX_TEST, "names", "Adrianna", "Some value"),
          row(PREFIX_TEST, "cities", "MexicoCity", "Some value"),
          row(PREFIX_TEST, "cities", "HoustonCity", "Some value"),
          row(PREFIX_TEST, "cities", "ZurichCity", "Some value"),
          row(PREFIX_TEST, "cities", "Helsinki", "Some value"),
          row("", "some_table", "testKeytest", "Some value"),
          row("", "some_table", "testSecondtest", "Some value"),
          row("", "some_table", "lalala", "Some value"),
          row("", "", "testAnothertest", "Some value"),
          row("", "", FORBIDDEN_KEY, "data no matter"),
          // TestMetaData wrote this one on its own; Go read meta-two back as float64 5.
          new GoRecord(
              META_DATA_TEST,
              "",
              Record.builder("KeyOne")
                  .value("Some value")
                  .metadata(Map.of("meta-one", "val", "meta-two", 5))
                  .build()));

  static final List<ListCase> LIST_CASES =
      List.of(
          new ListCase(
              "default database, no options",
              "",
              "",
              "",
              "",
              0,
              0,
              List.of(
                  FORBIDDEN_KEY,
                  "One",
                  "prefix_test_Two",
                  "some_table_lalala",
                  "some_table_testKeytest",
                  "some_table_testSecondtest",
                  "testAnothertest")),
          new ListCase(
              "prefix-test, no options",
              PREFIX_TEST,
              "",
              "",
              "",
              0,
              0,
              List.of(
                  "cities_Helsinki",
                  "cities_HoustonCity",
                  "cities_MexicoCity",
                  "cities_ZurichCity",
                  "names_Adrianna",
                  "names_Alex",
                  "names_Jones")),
          new ListCase(
              "prefix-test, offset 2",
              PREFIX_TEST,
              "",
              "",
              "",
              2,
              0,
              List.of(
                  "cities_MexicoCity",
                  "cities_ZurichCity",
                  "names_Adrianna",
                  "names_Alex",
                  "names_Jones")),
          new ListCase(
              "prefix-test, offset 2, limit 3",
              PREFIX_TEST,
              "",
              "",
              "",
              2,
              3,
              List.of("cities_MexicoCity", "cities_ZurichCity", "names_Adrianna")),
          new ListCase(
              "prefix-test table names",
              PREFIX_TEST,
              "names",
              "",
              "",
              0,
              0,
              List.of("Adrianna", "Alex", "Jones")),
          new ListCase(
              "prefix-test table cities",
              PREFIX_TEST,
              "cities",
              "",
              "",
              0,
              0,
              List.of("Helsinki", "HoustonCity", "MexicoCity", "ZurichCity")),
          new ListCase(
              "prefix-test table cities, suffix City",
              PREFIX_TEST,
              "cities",
              "",
              "City",
              0,
              0,
              List.of("HoustonCity", "MexicoCity", "ZurichCity")),
          new ListCase(
              "prefix-test table cities, suffix City, limit 2",
              PREFIX_TEST,
              "cities",
              "",
              "City",
              0,
              2,
              List.of("HoustonCity", "MexicoCity")),
          new ListCase(
              "prefix-test table cities, suffix City, offset 1",
              PREFIX_TEST,
              "cities",
              "",
              "City",
              1,
              0,
              List.of("MexicoCity", "ZurichCity")),
          new ListCase(
              "default database, prefix test",
              "",
              "",
              "test",
              "",
              0,
              0,
              List.of("testAnothertest")),
          new ListCase(
              "default database table some_table, prefix test and suffix test",
              "",
              "some_table",
              "test",
              "test",
              0,
              0,
              List.of("testKeytest", "testSecondtest")));

  static final List<String> LIMIT_KEYS = List.of("a", "b", "c", "d");

  static final List<LimitCase> LIMIT_CASES =
      List.of(
          new LimitCase("plain", 0, 0, List.of("a", "b", "c", "d")),
          new LimitCase("offset&limit-1", 1, 3, List.of("b", "c", "d")),
          new LimitCase("offset&limit-2", 1, 1, List.of("b")),
          new LimitCase("offset=length", 4, 0, List.of()),
          new LimitCase("offset>length", 222, 0, List.of()),
          new LimitCase("limit>length", 0, 36, List.of("a", "b", "c", "d")));

  /** Whether every store accepts a key: it is made of NATS KV's key characters. */
  static boolean isPortableKey(String key) {
    return PORTABLE_KEY.matcher(key).matches() && !key.startsWith(".") && !key.endsWith(".");
  }

  /** The database and table pairs the records are written to, and each database without table. */
  static List<Scope> scopeList() {
    Set<String> seen = new LinkedHashSet<>();
    List<Scope> scopes = new ArrayList<>();
    for (GoRecord r : RECORDS) {
      if (seen.add(r.database + "/")) {
        scopes.add(new Scope(r.database, ""));
      }
      if (!r.table.isEmpty() && seen.add(r.database + "/" + r.table)) {
        scopes.add(new Scope(r.database, r.table));
      }
    }
    return scopes;
  }

  /** The keys a list of a scope returns: without a table, every stored key of the database. */
  static List<String> keysIn(Scope scope, boolean arbitraryKeys) {
    List<String> keys = new ArrayList<>();
    for (GoRecord r : RECORDS) {
      if (!r.database.equals(scope.database) || (!arbitraryKeys && !isPortableKey(r.storedKey()))) {
        continue;
      }
      if (scope.table.isEmpty()) {
        keys.add(r.storedKey());
      } else if (r.table.equals(scope.table)) {
        keys.add(r.record.key());
      }
    }
    Collections.sort(keys);
    return keys;
  }

  static Stream<GoRecord> records() {
    return RECORDS.stream();
  }

  static Stream<ListCase> listCases() {
    return LIST_CASES.stream();
  }

  static Stream<ListCase> readCases() {
    return LIST_CASES.stream().filter(ListCase::hasPrefixOrSuffix);
  }

  static Stream<LimitCase> limitCases() {
    return LIMIT_CASES.stream();
  }

  static Stream<Scope> scopes() {
    return scopeList().stream();
  }

  static Stream<String> databases() {
    return Stream.of("", NEW_BUCKET, PREFIX_TEST, META_DATA_TEST);
  }
}
