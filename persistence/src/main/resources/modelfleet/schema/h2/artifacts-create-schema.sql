-- Model artifacts shared through the registry database (io.modelfleet.persistence.artifact.DatabaseArtifacts).
-- Run at every start when modelfleet.database.create-schema is on, so every statement is idempotent.
-- BLOB rather than VARBINARY: H2 keeps BLOB values in its LOB storage instead of inline in the row,
-- which suits chunks of several MiB.
CREATE TABLE IF NOT EXISTS modelfleet_artifact_chunk (
  digest VARCHAR(80) NOT NULL,
  seq INT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (digest, seq)
);

-- Written last, in the same transaction as the chunks: a row here means every chunk is committed.
CREATE TABLE IF NOT EXISTS modelfleet_artifact (
  digest VARCHAR(80) NOT NULL PRIMARY KEY,
  size BIGINT NOT NULL,
  chunks INT NOT NULL,
  created_at BIGINT NOT NULL
);
