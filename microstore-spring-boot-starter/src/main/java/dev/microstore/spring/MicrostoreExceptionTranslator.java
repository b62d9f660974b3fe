package dev.microstore.spring;

import dev.microstore.ConflictException;
import dev.microstore.NotFoundException;
import dev.microstore.OutcomeUnknownException;
import dev.microstore.StoreException;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.dao.support.PersistenceExceptionTranslator;

/**
 * Translates the store's exceptions into Spring's {@link DataAccessException} hierarchy, for
 * {@code @Repository} beans (through Spring's {@code PersistenceExceptionTranslationPostProcessor})
 * and for code that calls {@link #translateExceptionIfPossible} itself. The store's exception is
 * always the cause.
 *
 * <table>
 *   <caption>Translations</caption>
 *   <tr><th>store exception</th><th>Spring exception</th></tr>
 *   <tr><td>{@link NotFoundException}</td><td>{@link EmptyResultDataAccessException} (expected
 *       size 1, actual 0): an exact read found no record, as {@code JdbcTemplate.queryForObject}
 *       reports it; it is a {@code DataRetrievalFailureException}</td></tr>
 *   <tr><td>{@link ConflictException}</td><td>{@link OptimisticLockingFailureException}</td></tr>
 *   <tr><td>{@link OutcomeUnknownException}</td><td>{@link TransientDataAccessResourceException}
 *       whose message says the outcome is unknown: retry an unconditional write; read again before
 *       retrying a conditional one</td></tr>
 *   <tr><td>any other retriable {@link StoreException}</td><td>{@link
 *       TransientDataAccessResourceException}</td></tr>
 *   <tr><td>any other {@link StoreException}</td><td>{@link
 *       DataAccessResourceFailureException}</td></tr>
 * </table>
 *
 * <p>Other exceptions (invalid arguments, a closed store) are not translated.
 */
public class MicrostoreExceptionTranslator implements PersistenceExceptionTranslator {
  /** Creates the translator. */
  public MicrostoreExceptionTranslator() {}

  @Override
  public @Nullable DataAccessException translateExceptionIfPossible(RuntimeException ex) {
    if (ex instanceof NotFoundException) {
      return new EmptyResultDataAccessException(ex.getMessage(), 1, ex);
    }
    if (ex instanceof ConflictException) {
      return new OptimisticLockingFailureException(ex.getMessage(), ex);
    }
    if (ex instanceof OutcomeUnknownException) {
      return new TransientDataAccessResourceException(
          "outcome unknown, the change may or may not be stored: " + ex.getMessage(), ex);
    }
    if (ex instanceof StoreException) {
      return ((StoreException) ex).isRetriable()
          ? new TransientDataAccessResourceException(ex.getMessage(), ex)
          : new DataAccessResourceFailureException(ex.getMessage(), ex);
    }
    return null;
  }
}
