package dev.microstore.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses and prints durations: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, or ISO-8601 such
 * as {@code PT30S}. Also the picocli converter of every duration option.
 */
final class Durations implements ITypeConverter<Duration> {
  static final String ACCEPTED =
      "use a number with ms, s, m or h (500ms, 30s, 5m, 2h) or ISO-8601 (PT30S)";

  private static final Pattern SHORT = Pattern.compile("(\\d{1,18})(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  static Duration parse(String value) {
    String text = value.trim();
    Matcher m = SHORT.matcher(text);
    try {
      Duration d;
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms":
            d = Duration.ofMillis(n);
            break;
          case "s":
            d = Duration.ofSeconds(n);
            break;
          case "m":
            d = Duration.ofMinutes(n);
            break;
          default:
            d = Duration.ofHours(n);
            break;
        }
      } else if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
        d = Duration.parse(text);
      } else {
        throw invalid(value);
      }
      if (d.isNegative()) {
        throw new IllegalArgumentException(
            "duration \"" + value + "\" is invalid: it must not be negative");
      }
      return d;
    } catch (DateTimeParseException | ArithmeticException e) {
      throw invalid(value);
    }
  }

  private static IllegalArgumentException invalid(String value) {
    return new IllegalArgumentException("duration \"" + value + "\" is invalid: " + ACCEPTED);
  }

  /** A short human form: {@code 500ms}, {@code 42s}, {@code 5m12s}, {@code 3h05m}, {@code 2d4h}. */
  static String format(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return "0s";
    }
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    long s = d.getSeconds();
    if (s < 60) {
      long tenths = (ms % 1000) / 100;
      return s < 10 && tenths > 0 ? s + "." + tenths + "s" : s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : String.format(Locale.ROOT, "%02ds", s % 60));
    }
    if (s < 86400) {
      long minutes = (s % 3600) / 60;
      return (s / 3600) + "h" + (minutes == 0 ? "" : String.format(Locale.ROOT, "%02dm", minutes));
    }
    long hours = (s % 86400) / 3600;
    return (s / 86400) + "d" + (hours == 0 ? "" : hours + "h");
  }
}
