package dev.microstore.nats;

/**
 * One key resolved once: the database, the key as the caller gave it, the full key (table prefix
 * added), the key as stored (the full key, encoded when the store encodes keys) and its subject.
 */
final class Target {
  final String db;
  final String key;
  final String full;
  final String stored;
  final String subject;

  Target(String db, String key, String full, String stored) {
    this.db = db;
    this.key = key;
    this.full = full;
    this.stored = stored;
    this.subject = Wire.subject(db, stored);
  }

  /** What an operation on this key did, for messages: {@code writing key "k" in database "d"}. */
  String what(String verb) {
    return verb + " key \"" + key + "\" in database \"" + db + "\"";
  }
}
