package org.vectorscoring.opensearch.stats;

import java.io.IOException;
import java.util.List;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.cluster.ClusterName;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentFragment;
import org.opensearch.core.xcontent.XContentBuilder;

/** Every node's stats, rendered under {@code nodes} keyed by node id. */
public final class VectorScoringStatsResponse extends BaseNodesResponse<NodeVectorScoringStats> implements ToXContentFragment {

  public VectorScoringStatsResponse(StreamInput in) throws IOException {
    super(in);
  }

  VectorScoringStatsResponse(ClusterName clusterName, List<NodeVectorScoringStats> nodes, List<FailedNodeException> failures) {
    super(clusterName, nodes, failures);
  }

  @Override
  protected List<NodeVectorScoringStats> readNodesFrom(StreamInput in) throws IOException {
    return in.readList(NodeVectorScoringStats::new);
  }

  @Override
  protected void writeNodesTo(StreamOutput out, List<NodeVectorScoringStats> nodes) throws IOException {
    out.writeList(nodes);
  }

  @Override
  public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject("nodes");
    for (NodeVectorScoringStats node : getNodes()) {
      node.toXContent(builder, params);
    }
    return builder.endObject();
  }
}
