/**
 * Jepsen-style workloads for any {@link dev.microstore.Store}: threads run a mix of reads, writes,
 * compare-and-set writes, creates, conditional deletes, bulk and asynchronous writes and atomic
 * transfers for a while, each operation recorded with its outcome (ok, failed or unknown) in a
 * {@link dev.microstore.testing.history.History}; afterwards the history is checked per key against
 * a register with compare-and-set, and the workload's own invariants on the final state.
 *
 * <p>Start with {@link dev.microstore.tck.workload.Workload#builder()}; {@link
 * dev.microstore.tck.workload.Workload#run(dev.microstore.Store)} returns a {@link
 * dev.microstore.tck.workload.WorkloadResult}. Inject faults while it runs (pauses, restarts, cut
 * connections) and end them before the run's duration and grace period have passed.
 *
 * <p>How outcomes are recorded: a {@link dev.microstore.ConflictException} means the operation
 * failed; an {@link dev.microstore.OutcomeUnknownException} means it may or may not have applied,
 * and so does any exception that is not a {@link dev.microstore.StoreException}; any other {@code
 * StoreException} from a write means it failed, as the store promises nothing was written. A bulk
 * write that throws as a whole leaves every record unknown. Each thread is one process of the
 * history until one of its operations ends unknown; then the thread continues as a new process, so
 * that no process has two operations that may overlap.
 *
 * <p>Values are unique per key (a tag of the process and a run-wide sequence number); counters and
 * account balances are stored as {@code <number>:<tag>}. Keys use only {@code A-Z a-z 0-9 .}, so
 * every store accepts them.
 *
 * <p>The final versions the checker compares against come from {@link
 * dev.microstore.Store#history}: give the database as deep a history as the store allows, or only
 * the few kept revisions can be used.
 */
@NullMarked
package dev.microstore.tck.workload;

import org.jspecify.annotations.NullMarked;
