package io.modelfleet.protocol.service;

import io.modelfleet.protocol.usage.UsageReport;
import io.modelfleet.protocol.usage.UsageRequest;
import java.util.concurrent.CompletionStage;

/**
 * Reads the cluster's metered usage. Implemented on the node over the usage table in the registry
 * database (cluster-node), and handed to the gateway, which must not depend on persistence. The
 * stage runs the query on a blocking dispatcher and fails when the database does.
 */
public interface UsageQuery {

  CompletionStage<UsageReport> query(UsageRequest request);
}
