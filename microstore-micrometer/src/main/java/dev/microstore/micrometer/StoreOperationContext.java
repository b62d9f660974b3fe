package dev.microstore.micrometer;

import dev.microstore.ConflictException;
import dev.microstore.NotFoundException;
import dev.microstore.OutcomeUnknownException;
import io.micrometer.observation.Observation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an observation of one store operation carries: the operation, the database, the kind of
 * store and, once it ended, the outcome. Conventions read it to name and tag the observation.
 */
public final class StoreOperationContext extends Observation.Context {

  /** The operation succeeded. */
  public static final String OK = "ok";

  /** An exact read found no record ({@code NotFoundException}, or an empty {@code find}). */
  public static final String NOT_FOUND = "not-found";

  /** A condition failed ({@code ConflictException}). */
  public static final String CONFLICT = "conflict";

  /** The store cannot tell whether a write was applied ({@code OutcomeUnknownException}). */
  public static final String UNKNOWN = "unknown";

  /** Any other failure. */
  public static final String ERROR = "error";

  private final String operation;
  private final String database;
  private final String storeKind;
  private @Nullable String outcome;

  StoreOperationContext(String operation, String database, String storeKind) {
    this.operation = Objects.requireNonNull(operation, "operation");
    this.database = Objects.requireNonNull(database, "database");
    this.storeKind = Objects.requireNonNull(storeKind, "storeKind");
  }

  /**
   * The operation, named after the {@code Store} method: {@code read}, {@code read-matching} (a
   * prefix or suffix read), {@code find}, {@code write}, {@code delete}, {@code list}, {@code
   * scan}, {@code scan-keys}, {@code read-all}, {@code write-all}, {@code delete-all}, {@code
   * commit}, {@code read-async}, {@code write-async}, {@code delete-async}, {@code watch}, {@code
   * history}, {@code info}, {@code databases}, {@code delete-database}.
   *
   * @return the operation
   */
  public String operation() {
    return operation;
  }

  /**
   * The database the operation addressed: the one its options named, else the store's default;
   * {@code all} for {@code databases}.
   *
   * @return the database
   */
  public String database() {
    return database;
  }

  /**
   * The kind of store, from {@code Store.stats().kind()}: {@code nats}, {@code memory}, ...
   *
   * @return the kind
   */
  public String storeKind() {
    return storeKind;
  }

  /**
   * How the operation ended: {@link #OK}, {@link #NOT_FOUND}, {@link #CONFLICT}, {@link #UNKNOWN}
   * or {@link #ERROR}; {@link #OK} while it runs.
   *
   * @return the outcome
   */
  public String outcome() {
    if (outcome != null) {
      return outcome;
    }
    Throwable error = getError();
    return error == null ? OK : outcomeOf(error);
  }

  /** Sets an outcome that is not an exception's, such as an empty {@code find}. */
  void outcome(String outcome) {
    this.outcome = outcome;
  }

  static String outcomeOf(Throwable error) {
    if (error instanceof NotFoundException) {
      return NOT_FOUND;
    }
    if (error instanceof ConflictException) {
      return CONFLICT;
    }
    if (error instanceof OutcomeUnknownException) {
      return UNKNOWN;
    }
    return ERROR;
  }
}
