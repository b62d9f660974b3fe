package dev.microstore.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * HTML for the web console: escaping and the page around each screen. Every text that comes from
 * the store or the request (keys, values, metadata, names, messages) goes through {@link #text}, so
 * a value holding {@code <script>} is shown, never run; the Content-Security-Policy that {@link
 * UiAccess} sends forbids inline scripts as a second line of defence.
 */
final class UiHtml {
  private UiHtml() {}

  /** Escapes text for an element's content or a quoted attribute value. */
  static String text(@Nullable Object value) {
    String s = String.valueOf(value);
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&':
          sb.append("&amp;");
          break;
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        case '\'':
          sb.append("&#39;");
          break;
        default:
          sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Encodes a query parameter value. */
  static String param(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Encodes a path segment (a database name). */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The path of a database's page, with query parameters (null and empty values left out). */
  static String databasePath(String database, String suffix, Map<String, ?> query) {
    StringBuilder sb = new StringBuilder("/db/").append(segment(database)).append(suffix);
    char sep = '?';
    for (Map.Entry<String, ?> e : query.entrySet()) {
      Object v = e.getValue();
      if (v == null || v.toString().isEmpty()) {
        continue;
      }
      sb.append(sep).append(param(e.getKey())).append('=').append(param(v.toString()));
      sep = '&';
    }
    return sb.toString();
  }

  /** The link to a record's page. */
  static String recordPath(String database, @Nullable String table, String key) {
    Map<String, @Nullable Object> q = new LinkedHashMap<>();
    q.put("table", table);
    q.put("key", key);
    return databasePath(database, "/record", q);
  }

  /** A hidden form field holding the session's CSRF token. */
  static String csrfField(UiAccess.Session session) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + text(session.csrf()) + "\">";
  }

  /** A whole page: the header with the breadcrumbs, then the body given. */
  static String page(
      String title, UiAccess.Session session, boolean readOnly, String breadcrumbs, String body) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"htmx-config\" content='{\"includeIndicatorStyles\":false,"
        + "\"allowEval\":false,\"allowScriptTags\":false,\"selfRequestsOnly\":true}'>"
        + "<title>"
        + text(title)
        + " · microstore</title>"
        + "<link rel=\"stylesheet\" href=\"/static/app.css\">"
        + "<script src=\"/static/htmx.min.js\" defer></script>"
        + "<script src=\"/static/app.js\" defer></script>"
        + "</head><body data-csrf=\""
        + text(session.csrf())
        + "\"><header><nav><a class=\"brand\" href=\"/\">microstore</a>"
        + breadcrumbs
        + "</nav>"
        + (readOnly ? "<span class=\"badge\" id=\"read-only\">read-only</span>" : "")
        + "</header><main>"
        + body
        + "</main></body></html>\n";
  }

  /** A breadcrumb link to a database's page. */
  static String databaseCrumb(String database) {
    return " <span class=\"sep\">/</span> <a href=\""
        + text(databasePath(database, "", Map.of()))
        + "\">"
        + text(database)
        + "</a>";
  }

  /** An error page: the status and the message, escaped. */
  static String error(int status, String message) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + status
        + " · microstore</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body>"
        + "<header><nav><a class=\"brand\" href=\"/\">microstore</a></nav></header><main>"
        + "<h1>"
        + status
        + "</h1><p class=\"error\" id=\"error\">"
        + text(message)
        + "</p></main></body></html>\n";
  }
}
