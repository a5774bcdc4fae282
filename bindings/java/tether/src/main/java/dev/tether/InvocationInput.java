package dev.tether;

import java.util.List;

/** What a handler runs with, from Start and InputCommand (copies). */
public record InvocationInput(
    byte[] id,
    String debugId,
    String key,
    long knownEntries,
    long retryCountSinceLastStoredEntry,
    long durationSinceLastStoredEntryMillis,
    long randomSeed,
    byte[] value,
    List<Header> headers) {

  /** An InputCommand header. */
  public record Header(String key, String value) {}
}
