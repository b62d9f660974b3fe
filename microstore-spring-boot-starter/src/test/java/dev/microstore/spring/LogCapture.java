package dev.microstore.spring;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects the Logback events of one logger and its children, from INFO up, while open. */
final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  /** The events so far, oldest first. */
  List<ILoggingEvent> events() {
    synchronized (appender.list) {
      return new ArrayList<>(appender.list);
    }
  }

  /** The events of this level whose message contains the text. */
  List<ILoggingEvent> events(Level level, String text) {
    return events().stream()
        .filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(text))
        .toList();
  }

  /** Every event as one line: level and message, with the exception's class when there is one. */
  String text() {
    StringBuilder out = new StringBuilder();
    for (ILoggingEvent e : events()) {
      out.append(e.getLevel())
          .append(' ')
          .append(e.getFormattedMessage())
          .append(
              e.getThrowableProxy() == null
                  ? ""
                  : " [" + e.getThrowableProxy().getClassName() + "]")
          .append('\n');
    }
    return out.toString();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }

  static boolean atLeastWarn(ILoggingEvent e) {
    return e.getLevel().isGreaterOrEqual(Level.WARN);
  }
}
