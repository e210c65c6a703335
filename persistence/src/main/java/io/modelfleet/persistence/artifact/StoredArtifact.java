package io.modelfleet.persistence.artifact;

import java.nio.file.Path;

/** An artifact committed to the store: its content address ("sha256:hex"), size and file. */
public record StoredArtifact(String digest, long size, Path path) {}
