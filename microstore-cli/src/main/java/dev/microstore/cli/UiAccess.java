package dev.microstore.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
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
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+(%[0-9a-z]+)?");
  private static final String MACHINE_NAME = machineName();

  private final String accessToken = randomToken();
  private final AtomicBoolean accessTokenUsed = new AtomicBoolean();
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  private final String cookieName;
  private final boolean readOnly;
  private final int port;

  UiAccess(int port, boolean readOnly) {
    this.cookieName = "microstore-ui-" + port;
    this.readOnly = readOnly;
    this.port = port;
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
    String host = request.header("Host");
    if (!ownHost(host)) {
      // a name that is not this machine's: a page of another site whose name was made to point
      // here (DNS rebinding)
      request.html(
          403,
          UiHtml.error(
              403,
              "Refused: this console answers at its own address only (an IP address, localhost or"
                  + " this machine's name, port "
                  + port
                  + "), not at "
                  + host
                  + "."));
      return null;
    }
    String site = request.header("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      // another site's page (another port of this host is "same-site") embedding or calling this
      // console: browsers send the session cookie of 127.0.0.1 along
      request.html(
          403,
          UiHtml.error(
              403,
              "Refused: a page of another site (Sec-Fetch-Site: "
                  + site
                  + ") cannot use this console. Open the link that 'microstore ui' printed."));
      return null;
    }
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

  /**
   * Whether a Host header names this console: its port, and an IP address, {@code localhost} or
   * this machine's own name. A DNS-rebinding attack needs a name of the attacker's, which is none
   * of these.
   */
  boolean ownHost(@Nullable String host) {
    if (host == null) {
      return false;
    }
    int colon = host.lastIndexOf(':');
    if (colon < 0 || host.endsWith("]")) {
      return false;
    }
    String name = host.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!host.substring(colon + 1).equals(Integer.toString(port))) {
      return false;
    }
    if (name.equals("localhost") || IPV4.matcher(name).matches()) {
      return true;
    }
    if (name.startsWith("[") && name.endsWith("]") && name.length() > 2) {
      return IPV6.matcher(name.substring(1, name.length() - 1)).matches();
    }
    return name.equals(MACHINE_NAME);
  }

  private static String machineName() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "localhost";
    }
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
