package dev.microstore.testing.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A linearizable register per key (every method holds one lock), keeping every version. */
final class LockedRegisters {

  record Read(long revision, String value) {}

  private final Map<String, List<Version>> versions = new HashMap<>();
  private long lastRevision;

  synchronized Read read(String key) {
    Version current = current(key);
    return current == null || current.isDelete()
        ? new Read(0, null)
        : new Read(current.revision(), current.value());
  }

  /** Writes if {@code expected} is -1 or the current revision; the new revision, or -1. */
  synchronized long write(String key, String value, long expected) {
    Version current = current(key);
    long revision = current == null ? 0 : current.revision();
    if (expected != -1 && expected != revision) {
      return -1;
    }
    lastRevision++;
    versions.computeIfAbsent(key, k -> new ArrayList<>()).add(new Version(lastRevision, value));
    return lastRevision;
  }

  synchronized void delete(String key) {
    lastRevision++;
    versions.computeIfAbsent(key, k -> new ArrayList<>()).add(new Version(lastRevision, null));
  }

  synchronized List<Version> versions(String key) {
    return List.copyOf(versions.getOrDefault(key, List.of()));
  }

  private Version current(String key) {
    List<Version> v = versions.get(key);
    return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
  }
}
