package org.vectorscoring.opensearch.stats;

import java.io.IOException;
import java.util.List;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportService;
import org.vectorscoring.opensearch.VectorScoringSettings;

/** Collects every node's {@link NodeVectorScoringStats}. */
public final class TransportVectorScoringStatsAction extends TransportNodesAction<VectorScoringStatsRequest, VectorScoringStatsResponse,
    TransportVectorScoringStatsAction.NodeRequest, NodeVectorScoringStats> {

  private final VectorScoringStats stats;
  private final VectorScoringSettings settings;

  @Inject
  public TransportVectorScoringStatsAction(ThreadPool threadPool, ClusterService clusterService, TransportService transportService,
      ActionFilters actionFilters, VectorScoringStats stats, VectorScoringSettings settings) {
    super(VectorScoringStatsAction.NAME, threadPool, clusterService, transportService, actionFilters, VectorScoringStatsRequest::new,
        NodeRequest::new, ThreadPool.Names.MANAGEMENT, NodeVectorScoringStats.class);
    this.stats = stats;
    this.settings = settings;
  }

  @Override
  protected VectorScoringStatsResponse newResponse(VectorScoringStatsRequest request, List<NodeVectorScoringStats> responses,
      List<FailedNodeException> failures) {
    return new VectorScoringStatsResponse(clusterService.getClusterName(), responses, failures);
  }

  @Override
  protected NodeRequest newNodeRequest(VectorScoringStatsRequest request) {
    return new NodeRequest();
  }

  @Override
  protected NodeVectorScoringStats newNodeResponse(StreamInput in) throws IOException {
    return new NodeVectorScoringStats(in);
  }

  @Override
  protected NodeVectorScoringStats nodeOperation(NodeRequest request) {
    return new NodeVectorScoringStats(clusterService.localNode(), settings.kernel().name(), settings.maxDims(), stats.snapshot());
  }

  /** The per-node request: it carries nothing, every node reports everything. */
  public static final class NodeRequest extends TransportRequest {
    NodeRequest() {}

    public NodeRequest(StreamInput in) throws IOException {
      super(in);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
      super.writeTo(out);
    }
  }
}
