package dev.microstore.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Who may use the web console, and what they may do.
 *
 * <ul>
 *   <li>The URL printed at startup carries a random access token that works once: the first request
 *       with it opens a session, whose id the browser keeps in an {@code HttpOnly}, {@code
 *       SameSite=Strict} cookie, and is sent on to the same page without the token (so it stays out
 *       of the history). Every other request needs that cookie: 401 without it.
 *   <li>Requests that change something (anything but GET and HEAD) also need the session's CSRF
 *       token (form field {@code csrf} or header {@code X-CSRF-Token}) and an {@code Origin} header
 *       naming this console: 403 otherwise. With {@code --read-only} they are refused (403) before
 *       anything is read.
 *   <li>Every answer carries a strict Content-Security-Policy (scripts and styles from the console
 *       only, nothing inline), and forbids framing, sniffing, caching and referrers to other sites.
 * </ul>
 *
 * <p>The cookie's name holds the port, so that consoles on different ports of one host (whose
 * cookies a browser shares) do not log each other out. Thread-safe.
 */
final class UiAccess {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  /** A browser session: its id (the cookie's value) and its CSRF token. */
  static final class Session {
    private final String id;
    private final String csrf;

    Session(String id, String csrf) {
      this.id = id;
      this.csrf = csrf;
    }

    String csrf() {
      return csrf;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String accessToken = randomToken();
  private final AtomicBoolean accessTokenUsed = new AtomicBoolean();
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  private final String cookieName;
  private final boolean readOnly;

  UiAccess(int port, boolean readOnly) {
    this.cookieName = "microstore-ui-" + port;
    this.readOnly = readOnly;
  }

  /** The one-time access token of the startup URL. */
  String accessToken() {
    return accessToken;
  }

  /**
   * Admits a request: sets the security headers, then returns its session, or answers the request
   * itself (a redirect after the access token, 401, 403) and returns null.
   */
  @Nullable Session admit(UiRequest request) throws IOException {
    request.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    request.setHeader("X-Content-Type-Options", "nosniff");
    request.setHeader("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: with no-referrer, browsers send "Origin: null" on form posts
    request.setHeader("Referrer-Policy", "same-origin");
    request.setHeader("Cache-Control", "no-store");
    String token = request.query("token");
    if (token != null && !request.changes()) {
      if (!equal(token, accessToken) || !accessTokenUsed.compareAndSet(false, true)) {
        request.html(
            401,
            UiHtml.error(
                401,
                "This access link is not valid or was used already: each link printed by"
                    + " 'microstore ui' opens one browser session. Restart 'microstore ui' for a"
                    + " new link."));
        return null;
      }
      Session session = new Session(randomToken(), randomToken());
      sessions.put(session.id, session);
      request.setHeader(
          "Set-Cookie", cookieName + "=" + session.id + "; Path=/; HttpOnly; SameSite=Strict");
      request.redirect(request.rawPath() + request.queryWithout("token"));
      return null;
    }
    Session session = fromCookie(request.header("Cookie"));
    if (session == null) {
      request.html(
          401,
          UiHtml.error(
              401,
              "Open the link that 'microstore ui' printed: this console needs its access token."));
      return null;
    }
    if (request.changes()) {
      String refusal = refusal(request, session);
      if (refusal != null) {
        request.html(403, UiHtml.error(403, refusal));
        return null;
      }
    }
    return session;
  }

  /** Why a request that changes something is refused, or null when it may go on. */
  private @Nullable String refusal(UiRequest request, Session session) throws IOException {
    if (readOnly) {
      return "This console is read-only (--read-only): nothing can be changed.";
    }
    String origin = request.header("Origin");
    String host = request.header("Host");
    if (origin == null || host == null || !origin.equals("http://" + host)) {
      return "Refused: the request does not come from a page of this console (Origin "
          + origin
          + ").";
    }
    String csrf = request.header("X-CSRF-Token");
    if (csrf == null) {
      csrf = request.form().get("csrf");
    }
    if (csrf == null || !equal(csrf, session.csrf)) {
      return "Refused: the request lacks this session's CSRF token. Reload the page and try again.";
    }
    return null;
  }

  private @Nullable Session fromCookie(@Nullable String header) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String p = part.trim();
      if (p.startsWith(cookieName + "=")) {
        Session s = sessions.get(p.substring(cookieName.length() + 1));
        if (s != null) {
          return s;
        }
      }
    }
    return null;
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
