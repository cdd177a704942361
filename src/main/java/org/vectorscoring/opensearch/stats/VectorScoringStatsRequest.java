package org.vectorscoring.opensearch.stats;

import java.io.IOException;
import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;

/** Asks the given nodes (all by default) for their vector-scoring stats. */
public final class VectorScoringStatsRequest extends BaseNodesRequest<VectorScoringStatsRequest> {

  public VectorScoringStatsRequest(String... nodeIds) {
    super(nodeIds);
  }

  public VectorScoringStatsRequest(StreamInput in) throws IOException {
    super(in);
  }
}
