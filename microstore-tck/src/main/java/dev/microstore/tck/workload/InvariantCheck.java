package dev.microstore.tck.workload;

import java.util.Objects;

/**
 * One invariant of a workload, checked on the store's state after the run: a counter within its
 * bounds, the total of the transfer accounts, an acknowledged create still present.
 *
 * @param name what was checked, naming the key, for example {@code counter cas.0}
 * @param holds whether the invariant holds; false also when it could not be checked (the final read
 *     failed), as the detail says
 * @param detail the figures behind the verdict, for example {@code value 57 within [55, 58] (55
 *     acknowledged, 3 unknown increments)}
 */
public record InvariantCheck(String name, boolean holds, String detail) {
  /**
   * Checks the fields.
   *
   * @throws NullPointerException if the name or detail is null
   */
  public InvariantCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return name + (holds ? " holds: " : " VIOLATED: ") + detail;
  }
}
