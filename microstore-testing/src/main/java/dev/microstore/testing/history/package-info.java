/**
 * Recording what a workload did to a store, and checking it afterwards: Jepsen's method, with the
 * JDK only.
 *
 * <ul>
 *   <li>{@link dev.microstore.testing.history.History} records each operation's invocation and
 *       completion ({@link dev.microstore.testing.history.Invocation}): successful, failed
 *       (definitely not applied) or unknown (may or may not have applied), with the values and
 *       revisions seen, on a logical clock that gives their real-time order; and, after the run,
 *       the versions each key keeps ({@link dev.microstore.testing.history.Version}).
 *   <li>{@link dev.microstore.testing.history.Checker} checks the recorded {@link
 *       dev.microstore.testing.history.Op}s key by key: that a failed write never took effect, that
 *       no value is stored twice, that acknowledged writes are kept, that revisions agree, and that
 *       the key behaves as a linearizable register with compare-and-set and delete. It returns a
 *       {@link dev.microstore.testing.history.Report} of {@link
 *       dev.microstore.testing.history.Anomaly}s.
 * </ul>
 *
 * <pre>{@code
 * History history = new History();
 * // ... processes record their operations with history.invoke(...).ok(...) / fail / unknown
 * // ... after the run, history.observeFinal(key, versions) for every key
 * Report report = Checker.check(history);
 * assertTrue(report.valid(), report::summary);
 * }</pre>
 *
 * <p>Nullness: arguments and results are never {@code null}, except where a parameter or record
 * component is documented as nullable: a value ({@code null} for reads and deletes), a value read
 * ({@code null} for absent), a version's value ({@code null} for a delete) and an operation's
 * reason ({@code null} when it succeeded).
 */
package dev.microstore.testing.history;
