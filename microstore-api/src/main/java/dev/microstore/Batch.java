package dev.microstore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Writes and deletes of several keys of one database (and table) that {@link Store#commit(Batch)}
 * applies atomically: all of them or none. Immutable and thread-safe.
 *
 * <pre>{@code
 * Batch transfer = Batch.builder().database("bank")
 *     .put(Record.of("alice", "90"), Batch.Condition.ifRevision(alice.revision()))
 *     .put(Record.of("bob", "110"), Batch.Condition.ifRevision(bob.revision()))
 *     .build();
 * BatchResult result = store.commit(transfer); // ConflictException: nothing was applied
 * }</pre>
 *
 * <p>Each operation may carry a {@link Condition}; when any condition does not hold at commit time,
 * the whole batch is refused with a {@link ConflictException} naming the key, and nothing is
 * written. A put's record lifetime is its {@link Record#expiry()} (zero: the record does not
 * expire).
 *
 * <p>Limits, checked by the builder as each operation is added, before anything is sent: at most
 * {@value #MAX_OPERATIONS} operations; each key at most once; at least one operation.
 */
public final class Batch {
  /** The most operations one batch may hold (the limit of NATS atomic batches). */
  public static final int MAX_OPERATIONS = 1000;

  private final @Nullable String database;
  private final @Nullable String table;
  private final List<Operation> operations;

  private Batch(Builder b) {
    this.database = b.database;
    this.table = b.table;
    this.operations = Collections.unmodifiableList(new ArrayList<>(b.operations));
  }

  /**
   * A new, empty builder.
   *
   * @return a builder for the store's default database and table
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The database of every operation.
   *
   * @return the database, or empty for the store's default
   */
  public Optional<String> database() {
    return Optional.ofNullable(database);
  }

  /**
   * The table of every operation.
   *
   * @return the table, or empty for the store's default
   */
  public Optional<String> table() {
    return Optional.ofNullable(table);
  }

  /**
   * The operations, in the order they were added (which is also the order of their revisions).
   *
   * @return an unmodifiable list of at least one and at most {@value #MAX_OPERATIONS} operations
   */
  public List<Operation> operations() {
    return operations;
  }

  /**
   * The number of operations.
   *
   * @return between 1 and {@value #MAX_OPERATIONS}
   */
  public int size() {
    return operations.size();
  }

  /**
   * A builder holding this batch's database, table and operations, to add more or change where it
   * applies.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.database = database;
    b.table = table;
    for (Operation op : operations) {
      b.add(op);
    }
    return b;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof Batch)) {
      return false;
    }
    Batch b = (Batch) o;
    return Objects.equals(database, b.database)
        && Objects.equals(table, b.table)
        && operations.equals(b.operations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(database, table, operations);
  }

  @Override
  public String toString() {
    return "Batch{database=" + database + ", table=" + table + ", operations=" + operations + "}";
  }

  /**
   * The condition under which an operation of a batch may be applied. Immutable.
   *
   * <p>{@link #none()} always holds; {@link #ifAbsent()} holds when the key has no live record
   * (deleted and expired keys count as absent); {@link #ifRevision(long)} holds when the key's
   * current revision is the given one.
   */
  public static final class Condition {
    private static final Condition NONE = new Condition(false, 0);
    private static final Condition IF_ABSENT = new Condition(true, 0);

    private final boolean ifAbsent;
    private final long ifRevision;

    private Condition(boolean ifAbsent, long ifRevision) {
      this.ifAbsent = ifAbsent;
      this.ifRevision = ifRevision;
    }

    /**
     * No condition: the operation is applied whatever the key's state.
     *
     * @return the unconditional condition
     */
    public static Condition none() {
      return NONE;
    }

    /**
     * Only if the key has no live record. Valid for puts only.
     *
     * @return the condition
     */
    public static Condition ifAbsent() {
      return IF_ABSENT;
    }

    /**
     * Only if the key's current revision is {@code revision}.
     *
     * @param revision the expected revision, at least 1
     * @return the condition
     * @throws IllegalArgumentException if the revision is not positive
     */
    public static Condition ifRevision(long revision) {
      return new Condition(false, Checks.positiveRevision(revision));
    }

    /**
     * Whether this is {@link #ifAbsent()}.
     *
     * @return true for a create-only condition
     */
    public boolean isIfAbsent() {
      return ifAbsent;
    }

    /**
     * The expected revision of {@link #ifRevision(long)}.
     *
     * @return the revision, or empty for the other conditions
     */
    public OptionalLong revision() {
      return ifRevision == 0 ? OptionalLong.empty() : OptionalLong.of(ifRevision);
    }

    /**
     * Whether the condition is anything but {@link #none()}.
     *
     * @return true when the operation is conditional
     */
    public boolean isConditional() {
      return ifAbsent || ifRevision != 0;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof Condition)) {
        return false;
      }
      Condition c = (Condition) o;
      return ifAbsent == c.ifAbsent && ifRevision == c.ifRevision;
    }

    @Override
    public int hashCode() {
      return Objects.hash(ifAbsent, ifRevision);
    }

    @Override
    public String toString() {
      return ifAbsent ? "ifAbsent" : ifRevision != 0 ? "ifRevision(" + ifRevision + ")" : "none";
    }
  }

  /** One operation of a batch: a put of a record or a delete of a key. Immutable. */
  public static final class Operation {
    /** What an operation does. */
    public enum Kind {
      /** Creates or replaces a record. */
      PUT,
      /** Deletes a key. */
      DELETE
    }

    private final Kind kind;
    private final String key;
    private final @Nullable Record record;
    private final Condition condition;

    private Operation(Kind kind, String key, @Nullable Record record, Condition condition) {
      this.kind = kind;
      this.key = key;
      this.record = record;
      this.condition = condition;
    }

    /**
     * Whether this is a put or a delete.
     *
     * @return the kind
     */
    public Kind kind() {
      return kind;
    }

    /**
     * The key, relative to the batch's table.
     *
     * @return the key, never empty
     */
    public String key() {
      return key;
    }

    /**
     * The record a put writes; its {@link Record#expiry()} is its lifetime.
     *
     * @return the record, or empty for a delete
     */
    public Optional<Record> record() {
      return Optional.ofNullable(record);
    }

    /**
     * The condition of the operation.
     *
     * @return the condition, {@link Condition#none()} when unconditional
     */
    public Condition condition() {
      return condition;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof Operation)) {
        return false;
      }
      Operation op = (Operation) o;
      return kind == op.kind
          && key.equals(op.key)
          && Objects.equals(record, op.record)
          && condition.equals(op.condition);
    }

    @Override
    public int hashCode() {
      return Objects.hash(kind, key, record, condition);
    }

    @Override
    public String toString() {
      return kind + " " + key + (condition.isConditional() ? " " + condition : "");
    }
  }

  /**
   * Builds a {@link Batch}. Each method validates at once, so an invalid batch fails where it is
   * built; {@link #build()} copies, so the builder can be reused. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable String database;
    private @Nullable String table;
    private final List<Operation> operations = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();

    private Builder() {}

    /**
     * The database of every operation.
     *
     * @param database the database; empty for the store's default
     * @return this builder
     */
    public Builder database(String database) {
      this.database = Checks.emptyToNull(database, "database");
      return this;
    }

    /**
     * The table of every operation, the key prefix {@code <table>_}.
     *
     * @param table the table; empty for the store's default
     * @return this builder
     */
    public Builder table(String table) {
      this.table = Checks.emptyToNull(table, "table");
      return this;
    }

    /**
     * Puts (creates or replaces) a record unconditionally.
     *
     * @param record the record; its key is relative to the table, its expiry is its lifetime
     * @return this builder
     * @throws IllegalArgumentException if the key is already in the batch or the batch is full
     */
    public Builder put(Record record) {
      return put(record, Condition.none());
    }

    /**
     * Puts (creates or replaces) a record if a condition holds.
     *
     * @param record the record; its key is relative to the table, its expiry is its lifetime
     * @param condition {@link Condition#none()}, {@link Condition#ifAbsent()} or {@link
     *     Condition#ifRevision(long)}
     * @return this builder
     * @throws IllegalArgumentException if the key is already in the batch or the batch is full
     */
    public Builder put(Record record, Condition condition) {
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(condition, "condition");
      return add(new Operation(Operation.Kind.PUT, record.key(), record, condition));
    }

    /**
     * Deletes a key unconditionally; deleting a missing key is not an error.
     *
     * @param key the key, relative to the table
     * @return this builder
     * @throws IllegalArgumentException if the key is empty, already in the batch, or the batch is
     *     full
     */
    public Builder delete(String key) {
      return delete(key, Condition.none());
    }

    /**
     * Deletes a key if a condition holds.
     *
     * @param key the key, relative to the table
     * @param condition {@link Condition#none()} or {@link Condition#ifRevision(long)}
     * @return this builder
     * @throws IllegalArgumentException if the key is empty, already in the batch, the batch is
     *     full, or the condition is {@link Condition#ifAbsent()}
     */
    public Builder delete(String key, Condition condition) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(condition, "condition");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("key \"\" is invalid: a key must not be empty");
      }
      if (condition.isIfAbsent()) {
        throw new IllegalArgumentException(
            "condition ifAbsent is invalid for the delete of key \""
                + key
                + "\": a delete can only require a revision");
      }
      return add(new Operation(Operation.Kind.DELETE, key, null, condition));
    }

    private Builder add(Operation op) {
      if (keys.contains(op.key)) {
        throw new IllegalArgumentException(
            "key \"" + op.key + "\" is already in the batch: a batch may change a key only once");
      }
      if (operations.size() >= MAX_OPERATIONS) {
        throw new IllegalArgumentException(
            "batch is full: a batch holds at most " + MAX_OPERATIONS + " operations");
      }
      keys.add(op.key);
      operations.add(op);
      return this;
    }

    /**
     * Builds the batch.
     *
     * @return a new immutable batch
     * @throws IllegalArgumentException if no operation was added
     */
    public Batch build() {
      if (operations.isEmpty()) {
        throw new IllegalArgumentException(
            "batch is empty: add at least one put or delete before building it");
      }
      return new Batch(this);
    }
  }
}
