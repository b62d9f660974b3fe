package dev.microstore.cli;

import dev.microstore.DatabaseInfo;
import dev.microstore.Store;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The databases screen: each database with its info, a form to create one, and deletion. */
final class UiDatabases {
  /** The bucket options of a database created from the console. */
  static final class BucketSpec {
    final int history;
    final Duration ttl;
    final boolean memoryStorage;
    final int replicas;
    final @Nullable String description;

    BucketSpec(
        int history,
        Duration ttl,
        boolean memoryStorage,
        int replicas,
        @Nullable String description) {
      this.history = history;
      this.ttl = ttl;
      this.memoryStorage = memoryStorage;
      this.replicas = replicas;
      this.description = description;
    }
  }

  private final Store store;
  private final boolean readOnly;
  private final UiServer.@Nullable DatabaseCreator creator;

  UiDatabases(Store store, boolean readOnly, UiServer.@Nullable DatabaseCreator creator) {
    this.store = store;
    this.readOnly = readOnly;
    this.creator = creator;
  }

  void list(UiRequest r, UiAccess.Session session) throws IOException {
    StringBuilder body = new StringBuilder("<h1>Databases</h1>");
    body.append(
        "<table id=\"databases\" class=\"grid\"><thead><tr><th>database</th><th>entries</th>"
            + "<th>bytes</th><th>history</th><th>TTL</th><th>storage</th><th>replicas</th>"
            + (readOnly ? "" : "<th></th>")
            + "</tr></thead><tbody>");
    int count = 0;
    for (String name : store.databases()) {
      Optional<DatabaseInfo> found = store.info(name);
      if (found.isEmpty()) {
        continue; // deleted meanwhile
      }
      DatabaseInfo info = found.get();
      count++;
      body.append("<tr data-database=\"")
          .append(UiHtml.text(name))
          .append("\"><td><a href=\"")
          .append(UiHtml.text(UiHtml.databasePath(name, "", Map.of())))
          .append("\">")
          .append(UiHtml.text(name))
          .append("</a></td><td class=\"num\">")
          .append(info.records())
          .append("</td><td class=\"num\">")
          .append(info.bytes())
          .append("</td><td class=\"num\">")
          .append(info.history())
          .append("</td><td>")
          .append(info.ttl().isZero() ? "none" : UiHtml.text(Durations.format(info.ttl())))
          .append("</td><td>")
          .append(UiHtml.text(info.storage()))
          .append("</td><td class=\"num\">")
          .append(info.replicas())
          .append("</td>");
      if (!readOnly) {
        body.append("<td>").append(deleteForm(name, session)).append("</td>");
      }
      body.append("</tr>");
    }
    body.append("</tbody></table>");
    if (count == 0) {
      body.append("<p class=\"muted\" id=\"no-databases\">No databases yet.</p>");
    }
    if (!readOnly) {
      body.append(createForm(session));
    }
    r.html(200, UiHtml.page("Databases", session, readOnly, "", body.toString()));
  }

  private static String deleteForm(String name, UiAccess.Session session) {
    return "<details class=\"danger\"><summary>delete…</summary><form method=\"post\" action=\""
        + UiHtml.text(UiHtml.databasePath(name, "/delete", Map.of()))
        + "\" class=\"delete-database\">"
        + UiHtml.csrfField(session)
        + "<label>Type <b>"
        + UiHtml.text(name)
        + "</b> to delete it and every record in it <input name=\"confirm\" autocomplete=\"off\""
        + " required></label> <button class=\"danger\">Delete database</button></form></details>";
  }

  private String createForm(UiAccess.Session session) {
    if (creator == null) {
      return "<p class=\"muted\">A database comes into being with its first write.</p>";
    }
    return "<section><h2>Create a database</h2><form method=\"post\" action=\"/databases\""
        + " id=\"create-database\" class=\"fields\">"
        + UiHtml.csrfField(session)
        + "<label>name <input name=\"name\" required pattern=\"[A-Za-z0-9_\\-]+\""
        + " title=\"letters, digits, - and _\"></label>"
        + "<label>history <input name=\"history\" type=\"number\" min=\"1\" max=\"64\""
        + " value=\"1\"></label>"
        + "<label>TTL <input name=\"ttl\" placeholder=\"none, or e.g. 1h\"></label>"
        + "<label>storage <select name=\"storage\"><option value=\"file\">file</option>"
        + "<option value=\"memory\">memory</option></select></label>"
        + "<label>replicas <input name=\"replicas\" type=\"number\" min=\"1\" max=\"5\""
        + " value=\"1\"></label>"
        + "<label>description <input name=\"description\"></label>"
        + "<button>Create</button></form></section>";
  }

  void create(UiRequest r) throws IOException {
    if (creator == null) {
      throw UiException.badRequest("This store creates databases with their first write.");
    }
    String name = r.required("name").trim();
    int history = r.intParam("history", 1, 1, 64);
    int replicas = r.intParam("replicas", 1, 1, 5);
    String ttlText = r.param("ttl");
    Duration ttl = ttlText == null || ttlText.isBlank() ? Duration.ZERO : duration(ttlText);
    String storage = r.param("storage");
    String description = r.param("description");
    if (store.info(name).isPresent()) {
      throw new UiException(409, "Database \"" + name + "\" exists already.");
    }
    creator.create(
        name,
        new BucketSpec(
            history,
            ttl,
            "memory".equals(storage),
            replicas,
            description == null || description.isBlank() ? null : description));
    r.redirect(UiHtml.databasePath(name, "", Map.of()));
  }

  void delete(UiRequest r, String name) throws IOException {
    String confirm = r.param("confirm");
    if (confirm == null || !confirm.equals(name)) {
      throw UiException.badRequest(
          "Database \""
              + name
              + "\" was not deleted: type its name exactly to confirm (you typed \""
              + (confirm == null ? "" : confirm)
              + "\").");
    }
    store.deleteDatabase(name);
    r.redirect("/");
  }

  /** Parses a duration form field. */
  static Duration duration(String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw UiException.badRequest(e.getMessage());
    }
  }
}
