package dev.microstore.cli;

import dev.microstore.DatabaseInfo;
import dev.microstore.ListOptions;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A database's screen: its tables (the {@code <table>_} prefixes of its keys), one page of its keys
 * sorted, with prefix search and paging, a form for a new record, export and import, and the live
 * feed of its changes.
 *
 * <p>A page lists only its own keys ({@link Store#list(ListOptions)} with offset and limit) and
 * reads only their records; the tables come from a streaming key scan that holds the table names
 * only and stops after {@link #MAX_TABLE_SCAN} keys.
 */
final class UiBrowse {
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 500;
  static final int MAX_TABLE_SCAN = 100_000;

  private final Store store;
  private final boolean readOnly;

  UiBrowse(Store store, boolean readOnly) {
    this.store = store;
    this.readOnly = readOnly;
  }

  void page(UiRequest r, UiAccess.Session session, String db) throws IOException {
    Optional<DatabaseInfo> info = store.info(db);
    if (info.isEmpty()) {
      throw UiException.notFound("Database \"" + db + "\" does not exist.");
    }
    String table = r.optional("table");
    String prefix = r.param("prefix") == null ? "" : r.param("prefix");
    int limit = r.intParam("limit", DEFAULT_PAGE, 1, MAX_PAGE);
    int offset = r.intParam("offset", 0, 0, Integer.MAX_VALUE);

    StringBuilder body = new StringBuilder();
    body.append("<h1>").append(UiHtml.text(db)).append("</h1>");
    DatabaseInfo i = info.get();
    body.append("<p class=\"muted\" id=\"database-info\">")
        .append(i.records())
        .append(i.records() == 1 ? " entry · " : " entries · ")
        .append(i.bytes())
        .append(" bytes · history ")
        .append(i.history())
        .append(" · TTL ")
        .append(i.ttl().isZero() ? "none" : UiHtml.text(Durations.format(i.ttl())))
        .append(" · ")
        .append(UiHtml.text(i.storage()))
        .append(" · ")
        .append(i.replicas())
        .append(i.replicas() == 1 ? " replica" : " replicas")
        .append("</p>");
    String imported = r.query("imported");
    if (imported != null) {
      body.append("<p class=\"notice\" id=\"notice\">Imported ")
          .append(UiHtml.text(imported))
          .append(" records.</p>");
    }
    body.append("<div class=\"columns\"><div class=\"main-column\">");
    body.append(tables(db, table));
    body.append(searchForm(db, table, prefix, limit));
    body.append(keys(db, table, prefix, limit, offset));
    body.append(transferForms(db, table, prefix, session));
    if (!readOnly) {
      body.append(newRecordForm(db, table, session));
    }
    body.append("</div>").append(liveFeed(db, table, info.get().lastRevision())).append("</div>");
    r.html(200, UiHtml.page(db, session, readOnly, UiHtml.databaseCrumb(db), body.toString()));
  }

  private String tables(String db, @Nullable String current) {
    TreeMap<String, Integer> tables = new TreeMap<>();
    boolean truncated;
    try (Stream<String> keys =
        store.scanKeys(ListOptions.builder().database(db).limit(MAX_TABLE_SCAN + 1).build())) {
      int[] seen = {0};
      keys.forEach(
          k -> {
            seen[0]++;
            int underscore = k.indexOf('_');
            if (underscore > 0) {
              tables.merge(k.substring(0, underscore), 1, Integer::sum);
            }
          });
      truncated = seen[0] > MAX_TABLE_SCAN;
    }
    StringBuilder sb = new StringBuilder("<nav class=\"tables\" id=\"tables\">tables: ");
    sb.append(tableLink(db, null, "all keys", current == null));
    for (Map.Entry<String, Integer> t : tables.entrySet()) {
      sb.append(
          tableLink(
              db, t.getKey(), t.getKey() + " (" + t.getValue() + ")", t.getKey().equals(current)));
    }
    if (truncated) {
      sb.append(" <span class=\"muted\">(from the first ")
          .append(MAX_TABLE_SCAN)
          .append(" keys)</span>");
    }
    return sb.append("</nav>").toString();
  }

  private static String tableLink(String db, @Nullable String table, String label, boolean on) {
    Map<String, @Nullable Object> q = new LinkedHashMap<>();
    q.put("table", table);
    return " <a href=\""
        + UiHtml.text(UiHtml.databasePath(db, "", q))
        + "\""
        + (on ? " class=\"current\"" : "")
        + " data-table=\""
        + UiHtml.text(table == null ? "" : table)
        + "\">"
        + UiHtml.text(label)
        + "</a>";
  }

  private static String searchForm(String db, @Nullable String table, String prefix, int limit) {
    String action = UiHtml.text(UiHtml.databasePath(db, "", Map.of()));
    return "<form id=\"search\" method=\"get\" action=\""
        + action
        + "\" hx-get=\""
        + action
        + "\" hx-target=\"#keys\" hx-select=\"#keys\" hx-swap=\"outerHTML\" hx-push-url=\"true\""
        + " hx-trigger=\"input changed delay:250ms from:#prefix, submit\">"
        + (table == null
            ? ""
            : "<input type=\"hidden\" name=\"table\" value=\"" + UiHtml.text(table) + "\">")
        + "<input type=\"hidden\" name=\"limit\" value=\""
        + limit
        + "\"><input type=\"search\" id=\"prefix\" name=\"prefix\" placeholder=\"key prefix\""
        + " autocomplete=\"off\" value=\""
        + UiHtml.text(prefix)
        + "\"> <button>Search</button></form>";
  }

  private String keys(String db, @Nullable String table, String prefix, int limit, int offset) {
    ListOptions.Builder list =
        ListOptions.builder().database(db).prefix(prefix).offset(offset).limit(limit + 1);
    ReadOptions.Builder read = ReadOptions.builder().database(db);
    if (table != null) {
      list.table(table);
      read.table(table);
    }
    List<String> keys = store.list(list.build());
    boolean more = keys.size() > limit;
    if (more) {
      keys = keys.subList(0, limit);
    }
    Map<String, Record> records = keys.isEmpty() ? Map.of() : store.readAll(keys, read.build());
    StringBuilder sb = new StringBuilder("<div id=\"keys\">");
    sb.append(
        "<table class=\"grid keys\"><thead><tr><th>key</th><th>revision</th><th>size</th>"
            + "<th>expires in</th><th>value</th></tr></thead><tbody>");
    for (String key : keys) {
      Record rec = records.get(key);
      sb.append("<tr data-key=\"")
          .append(UiHtml.text(key))
          .append("\"><td><a class=\"key\" href=\"")
          .append(UiHtml.text(UiHtml.recordPath(db, table, key)))
          .append("\">")
          .append(UiHtml.text(key))
          .append("</a></td>");
      if (rec == null) {
        sb.append("<td colspan=\"4\" class=\"muted\">gone</td></tr>");
        continue;
      }
      sb.append("<td class=\"num\">")
          .append(rec.revision())
          .append("</td><td class=\"num\">")
          .append(rec.valueSize())
          .append("</td><td>")
          .append(UiRecordPage.countdown(rec))
          .append("</td><td class=\"preview\">")
          .append(UiHtml.text(UiValues.preview(rec.value(), 80)))
          .append("</td></tr>");
    }
    sb.append("</tbody></table>");
    if (keys.isEmpty()) {
      sb.append("<p class=\"muted\" id=\"no-keys\">No keys")
          .append(prefix.isEmpty() ? "" : " starting with \"" + UiHtml.text(prefix) + "\"")
          .append(offset > 0 ? " on this page" : "")
          .append(".</p>");
    }
    sb.append("<nav class=\"pages\">");
    if (offset > 0) {
      sb.append(
          pageLink(db, table, prefix, limit, Math.max(0, offset - limit), "prev", "← previous"));
    }
    sb.append(" <span id=\"page-range\">keys ")
        .append(keys.isEmpty() ? offset : offset + 1)
        .append("–")
        .append(offset + keys.size())
        .append("</span> ");
    if (more) {
      sb.append(pageLink(db, table, prefix, limit, offset + limit, "next", "next →"));
    }
    return sb.append("</nav></div>").toString();
  }

  private static String pageLink(
      String db,
      @Nullable String table,
      String prefix,
      int limit,
      int offset,
      String id,
      String label) {
    Map<String, @Nullable Object> q = new LinkedHashMap<>();
    q.put("table", table);
    q.put("prefix", prefix);
    q.put("limit", limit);
    q.put("offset", offset);
    return "<a id=\""
        + id
        + "\" href=\""
        + UiHtml.text(UiHtml.databasePath(db, "", q))
        + "\">"
        + label
        + "</a>";
  }

  private String transferForms(
      String db, @Nullable String table, String prefix, UiAccess.Session session) {
    Map<String, @Nullable Object> q = new LinkedHashMap<>();
    q.put("table", table);
    q.put("prefix", prefix);
    StringBuilder sb =
        new StringBuilder("<section class=\"transfer\"><a id=\"export\" download href=\"")
            .append(UiHtml.text(UiHtml.databasePath(db, "/export", q)))
            .append("\">Export ")
            .append(prefix.isEmpty() ? "these records" : "the keys with this prefix")
            .append(" as JSON lines</a>");
    if (!readOnly) {
      Map<String, @Nullable Object> t = new LinkedHashMap<>();
      t.put("table", table);
      sb.append("<details><summary>Import JSON lines…</summary><form method=\"post\" action=\"")
          .append(UiHtml.text(UiHtml.databasePath(db, "/import", t)))
          .append("\" id=\"import\">")
          .append(UiHtml.csrfField(session))
          .append("<p>Lines as written by export (or 'microstore export'). Choose a file or")
          .append(" paste them.</p><input type=\"file\" id=\"import-file\" accept=\".jsonl,")
          .append(".json,.txt,application/x-ndjson\"><textarea name=\"lines\" rows=\"6\"")
          .append(" id=\"import-lines\"></textarea><button>Import</button></form></details>");
    }
    return sb.append("</section>").toString();
  }

  private static String newRecordForm(String db, @Nullable String table, UiAccess.Session session) {
    Map<String, @Nullable Object> t = new LinkedHashMap<>();
    t.put("table", table);
    return "<details class=\"new-record\"><summary>New record…</summary><form method=\"post\""
        + " action=\""
        + UiHtml.text(UiHtml.databasePath(db, "/record", t))
        + "\" id=\"new-record\" class=\"fields\">"
        + UiHtml.csrfField(session)
        + "<input type=\"hidden\" name=\"revision\" value=\"0\">"
        + "<label>key <input name=\"key\" required></label>"
        + "<label>value <textarea name=\"value\" rows=\"4\"></textarea></label>"
        + "<label>TTL <input name=\"ttl\" placeholder=\"none, or e.g. 30s\"></label>"
        + "<button>Create</button></form></details>";
  }

  /**
   * The live panel; its feed starts after {@code lastRevision}, the database's revision when the
   * page was made, so a change between the page and the feed's start is shown too.
   */
  private static String liveFeed(String db, @Nullable String table, long lastRevision) {
    Map<String, @Nullable Object> t = new LinkedHashMap<>();
    t.put("table", table);
    return "<aside id=\"live\" data-state=\"connecting\" data-revision=\""
        + lastRevision
        + "\" data-events=\""
        + UiHtml.text(UiHtml.databasePath(db, "/events", t))
        + "\" data-record=\""
        + UiHtml.text(UiHtml.databasePath(db, "/record", t))
        + "\"><h2>Live <span id=\"live-state\">connecting…</span></h2>"
        + "<button type=\"button\" id=\"live-toggle\">Pause</button>"
        + "<ol id=\"live-events\"></ol></aside>";
  }
}
