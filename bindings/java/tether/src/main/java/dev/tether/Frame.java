package dev.tether;

/** A decoded frame: type, flags, payload (a copy). */
public record Frame(int type, int flags, byte[] payload) {}
