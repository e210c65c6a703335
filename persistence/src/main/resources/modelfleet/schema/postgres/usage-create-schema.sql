-- Metered usage (io.modelfleet.persistence.usage.UsageStore): one row per node, metering period,
-- tenant, key, model, version and device kind, holding the sums of what that node's gateway answered
-- in that period. Nodes add their deltas to their own rows only (node is part of the key), so they
-- never contend on a row. period_start is epoch milliseconds, UTC-aligned.
-- Run at every start when modelfleet.database.create-schema is on, so every statement is idempotent.
CREATE TABLE IF NOT EXISTS modelfleet_usage (
  node VARCHAR(255) NOT NULL,
  period_start BIGINT NOT NULL,
  tenant VARCHAR(255) NOT NULL,
  key_id VARCHAR(255) NOT NULL,
  model VARCHAR(255) NOT NULL,
  version VARCHAR(255) NOT NULL,
  device VARCHAR(32) NOT NULL,
  requests BIGINT NOT NULL,
  failures BIGINT NOT NULL,
  row_count BIGINT NOT NULL,
  input_bytes BIGINT NOT NULL,
  output_bytes BIGINT NOT NULL,
  compute_nanos BIGINT NOT NULL,
  PRIMARY KEY (node, period_start, tenant, key_id, model, version, device)
);

-- Queries select a range of periods across every node.
CREATE INDEX IF NOT EXISTS modelfleet_usage_period ON modelfleet_usage (period_start);
