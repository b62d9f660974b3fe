package dev.microstore.cli;

import dev.microstore.ChangeEvent;
import dev.microstore.ConflictException;
import dev.microstore.DeleteOptions;
import dev.microstore.NotFoundException;
import dev.microstore.ReadOptions;
import dev.microstore.Record;
import dev.microstore.Store;
import dev.microstore.WriteOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A record's screen: its value (pretty JSON, text or hex), metadata, revision, the time left until
 * it expires (counted down in the browser), its kept history with the difference between revisions,
 * and forms to edit it, set its TTL and delete it.
 *
 * <p>Saving is a compare-and-set on the revision the page showed: when someone else changed the
 * record meanwhile, nothing is written, and the answer (409) shows both versions, their difference,
 * a link to reload, and a form to save over the new revision.
 */
final class UiRecordPage {
  private final Store store;
  private final boolean readOnly;

  UiRecordPage(Store store, boolean readOnly) {
    this.store = store;
    this.readOnly = readOnly;
  }

  /** The time left of a record, counted down in the browser; "never" when it does not expire. */
  static String countdown(Record r) {
    if (r.expiry().isZero()) {
      return "<span class=\"muted\">never</span>";
    }
    return "<span class=\"countdown\" data-expiry-ms=\""
        + r.expiry().toMillis()
        + "\">"
        + UiHtml.text(Durations.format(r.expiry()))
        + "</span>";
  }

  void page(UiRequest r, UiAccess.Session session, String db) throws IOException {
    String key = r.required("key");
    String table = r.optional("table");
    Record rec = current(db, table, key);
    if (rec == null) {
      throw UiException.notFound(
          "Key \""
              + key
              + "\" does not exist in database \""
              + db
              + "\": it expired, was deleted, or never existed.");
    }
    StringBuilder body = new StringBuilder();
    body.append("<h1 class=\"key\" id=\"record-key\">").append(UiHtml.text(key)).append("</h1>");
    String saved = r.query("saved");
    if (saved != null) {
      body.append("<p class=\"notice\" id=\"notice\">Saved: revision ")
          .append(UiHtml.text(saved))
          .append(".</p>");
    }
    body.append("<dl class=\"facts\" id=\"record-facts\"><dt>revision</dt><dd id=\"revision\">")
        .append(rec.revision())
        .append("</dd><dt>size</dt><dd>")
        .append(rec.valueSize())
        .append(" bytes</dd><dt>shown as</dt><dd id=\"value-kind\">")
        .append(kindName(UiValues.kind(rec.value())))
        .append("</dd><dt>expires in</dt><dd id=\"expiry\">")
        .append(countdown(rec))
        .append("</dd>");
    if (table != null) {
      body.append("<dt>table</dt><dd>").append(UiHtml.text(table)).append("</dd>");
    }
    body.append("</dl><h2>Value</h2><pre class=\"value\" id=\"value\">")
        .append(UiHtml.text(UiValues.display(rec.value())))
        .append("</pre><h2>Metadata</h2>")
        .append(metadata(rec.metadata()));
    if (!readOnly) {
      body.append(editForm(db, table, rec, session));
    }
    body.append(history(db, table, key));
    String crumbs = UiHtml.databaseCrumb(db) + " <span class=\"sep\">/</span> " + UiHtml.text(key);
    r.html(200, UiHtml.page(key, session, readOnly, crumbs, body.toString()));
  }

  void save(UiRequest r, UiAccess.Session session, String db) throws IOException {
    String key = r.required("key");
    String table = r.optional("table");
    long expected = r.longParam("revision", 0);
    // browsers send a text area's line breaks as CRLF: stored as the LF the page showed
    String value = r.param("value") == null ? "" : r.param("value").replace("\r\n", "\n");
    String ttlText = r.param("ttl");
    Duration ttl =
        ttlText == null || ttlText.isBlank() ? Duration.ZERO : UiDatabases.duration(ttlText);
    Record before = current(db, table, key);
    WriteOptions.Builder options = WriteOptions.builder().database(db);
    if (table != null) {
      options.table(table);
    }
    if (!ttl.isZero()) {
      options.ttl(ttl);
    }
    if (expected == 0) {
      options.ifAbsent();
    } else {
      options.ifRevision(expected);
    }
    Record.Builder record = Record.builder(key).value(value);
    if (before != null) {
      record.metadata(before.metadata());
    }
    boolean stale = before != null ? before.revision() != expected : expected != 0;
    if (stale) {
      conflict(r, session, db, table, key, expected, value, ttlText);
      return;
    }
    long revision;
    try {
      revision = store.write(record.build(), options.build());
    } catch (ConflictException e) {
      conflict(r, session, db, table, key, expected, value, ttlText);
      return;
    }
    Map<String, @Nullable Object> q = new LinkedHashMap<>();
    q.put("table", table);
    q.put("key", key);
    q.put("saved", revision);
    r.redirect(UiHtml.databasePath(db, "/record", q));
  }

  void delete(UiRequest r, String db) throws IOException {
    String key = r.required("key");
    String table = r.optional("table");
    long expected = r.longParam("revision", 0);
    DeleteOptions.Builder options = DeleteOptions.builder().database(db);
    if (table != null) {
      options.table(table);
    }
    if (expected > 0) {
      options.ifRevision(expected);
    }
    try {
      store.delete(key, options.build());
    } catch (ConflictException e) {
      throw new UiException(
          409,
          "Key \""
              + key
              + "\" was not deleted: it changed since revision "
              + expected
              + ". Reload it and try again.");
    }
    Map<String, @Nullable Object> q = new LinkedHashMap<>();
    q.put("table", table);
    r.redirect(UiHtml.databasePath(db, "", q));
  }

  private void conflict(
      UiRequest r,
      UiAccess.Session session,
      String db,
      @Nullable String table,
      String key,
      long expected,
      String yours,
      @Nullable String ttl)
      throws IOException {
    Record now = current(db, table, key);
    byte[] theirs = now == null ? new byte[0] : now.value();
    byte[] mine = yours.getBytes(StandardCharsets.UTF_8);
    StringBuilder body = new StringBuilder("<h1>Not saved: a conflict</h1>");
    body.append("<p class=\"error\" id=\"conflict\">Key <b>")
        .append(UiHtml.text(key))
        .append("</b> changed since you opened it: you edited ")
        .append(expected == 0 ? "a new record" : "revision " + expected)
        .append(", and the database now ")
        .append(now == null ? "holds no such key" : "holds revision " + now.revision())
        .append(". Nothing was saved.</p><div class=\"columns\"><section><h2>Your version</h2>")
        .append("<pre class=\"value\" id=\"yours\">")
        .append(UiHtml.text(UiValues.display(mine)))
        .append("</pre></section><section><h2>Current version")
        .append(now == null ? "" : " (revision " + now.revision() + ")")
        .append("</h2><pre class=\"value\" id=\"theirs\">")
        .append(now == null ? "(deleted)" : UiHtml.text(UiValues.display(theirs)))
        .append("</pre></section></div><h2>From the current version to yours</h2>")
        .append(UiValues.diffHtml(theirs, mine))
        .append("<p><a id=\"reload\" href=\"")
        .append(UiHtml.text(UiHtml.recordPath(db, table, key)))
        .append("\">Reload the current version</a> (your changes are dropped)</p>");
    Map<String, @Nullable Object> t = new LinkedHashMap<>();
    t.put("table", table);
    body.append("<form method=\"post\" id=\"overwrite\" action=\"")
        .append(UiHtml.text(UiHtml.databasePath(db, "/record", t)))
        .append("\">")
        .append(UiHtml.csrfField(session))
        .append(hidden("key", key))
        .append(hidden("revision", Long.toString(now == null ? 0 : now.revision())))
        .append(hidden("ttl", ttl == null ? "" : ttl))
        .append(hidden("value", yours))
        .append("<button class=\"danger\">Save mine over it</button></form>");
    String crumbs = UiHtml.databaseCrumb(db) + " <span class=\"sep\">/</span> " + UiHtml.text(key);
    r.html(409, UiHtml.page("Conflict", session, readOnly, crumbs, body.toString()));
  }

  private String editForm(String db, @Nullable String table, Record rec, UiAccess.Session s) {
    Map<String, @Nullable Object> t = new LinkedHashMap<>();
    t.put("table", table);
    String action = UiHtml.text(UiHtml.databasePath(db, "/record", t));
    String text = RecordJson.utf8OrNull(rec.value());
    StringBuilder sb = new StringBuilder("<h2>Edit</h2>");
    if (text == null) {
      sb.append("<p class=\"muted\">A binary value cannot be edited here; import it as JSON")
          .append(" lines (value_base64) instead.</p>");
    } else {
      String ttl =
          rec.expiry().isZero() ? "" : Math.max(1, (rec.expiry().toMillis() + 999) / 1000) + "s";
      sb.append("<form method=\"post\" id=\"edit\" class=\"fields\" action=\"")
          .append(action)
          .append("\">")
          .append(UiHtml.csrfField(s))
          .append(hidden("key", rec.key()))
          .append(hidden("revision", Long.toString(rec.revision())))
          // a newline right after <textarea> is dropped by the parser: a value's own first
          // newline survives behind it
          .append("<label>value <textarea name=\"value\" id=\"edit-value\" rows=\"8\">\n")
          .append(UiHtml.text(text))
          .append("</textarea></label><label>TTL <input name=\"ttl\" id=\"edit-ttl\" value=\"")
          .append(UiHtml.text(ttl))
          .append("\" placeholder=\"none, or e.g. 30s, 5m, 1h\"></label>")
          .append("<button id=\"save\">Save revision ")
          .append(rec.revision())
          .append(" → new</button></form>");
    }
    sb.append("<form method=\"post\" id=\"delete-record\" action=\"")
        .append(UiHtml.text(UiHtml.databasePath(db, "/record/delete", t)))
        .append("\">")
        .append(UiHtml.csrfField(s))
        .append(hidden("key", rec.key()))
        .append(hidden("revision", Long.toString(rec.revision())))
        .append("<button class=\"danger\">Delete this record</button></form>");
    return sb.toString();
  }

  private String history(String db, @Nullable String table, String key) {
    ReadOptions.Builder read = ReadOptions.builder().database(db);
    if (table != null) {
      read.table(table);
    }
    List<ChangeEvent> events = store.history(key, read.build());
    StringBuilder sb =
        new StringBuilder(
            "<h2>History</h2><table class=\"grid\" id=\"history\"><thead><tr><th>revision</th>"
                + "<th>change</th><th>value</th><th>difference to the revision before</th>"
                + "</tr></thead><tbody>");
    byte[] previous = null;
    for (ChangeEvent e : events) {
      Record rec = e.record().orElse(null);
      byte[] value = rec == null ? new byte[0] : rec.value();
      sb.append("<tr><td class=\"num\">")
          .append(e.revision())
          .append("</td><td>")
          .append(RecordJson.opName(e.op()))
          .append("</td><td class=\"preview\">")
          .append(rec == null ? "" : UiHtml.text(UiValues.preview(value, 60)))
          .append("</td><td>");
      if (previous != null) {
        sb.append("<details><summary>changes</summary>")
            .append(UiValues.diffHtml(previous, value))
            .append("</details>");
      }
      sb.append("</td></tr>");
      previous = value;
    }
    sb.append("</tbody></table>");
    if (events.size() <= 1) {
      sb.append("<p class=\"muted\">This database keeps ")
          .append(events.isEmpty() ? "no" : "only the latest")
          .append(" revision here; a database created with a history above 1 keeps more.</p>");
    }
    return sb.toString();
  }

  private static String metadata(Map<String, @Nullable Object> metadata) {
    if (metadata.isEmpty()) {
      return "<p class=\"muted\" id=\"metadata\">none</p>";
    }
    StringBuilder sb = new StringBuilder("<table class=\"grid\" id=\"metadata\"><tbody>");
    for (Map.Entry<String, @Nullable Object> e : metadata.entrySet()) {
      sb.append("<tr><th>")
          .append(UiHtml.text(e.getKey()))
          .append("</th><td>")
          .append(UiHtml.text(dev.microstore.internal.Json.write(e.getValue())))
          .append("</td></tr>");
    }
    return sb.append("</tbody></table>").toString();
  }

  private @Nullable Record current(String db, @Nullable String table, String key) {
    ReadOptions.Builder read = ReadOptions.builder().database(db);
    if (table != null) {
      read.table(table);
    }
    try {
      return store.read(key, read.build()).get(0);
    } catch (NotFoundException e) {
      return null;
    }
  }

  private static String kindName(UiValues.Kind kind) {
    switch (kind) {
      case JSON:
        return "JSON";
      case TEXT:
        return "text";
      default:
        return "binary (hex)";
    }
  }

  private static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + UiHtml.text(value) + "\">";
  }
}
