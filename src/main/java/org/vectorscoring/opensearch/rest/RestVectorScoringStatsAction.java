package org.vectorscoring.opensearch.rest;

import java.util.List;
import org.opensearch.OpenSearchParseException;
import org.opensearch.core.common.Strings;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestActions;
import org.opensearch.transport.client.node.NodeClient;
import org.vectorscoring.opensearch.stats.VectorScoringStatsAction;
import org.vectorscoring.opensearch.stats.VectorScoringStatsRequest;

import static org.opensearch.rest.RestRequest.Method.GET;

/** {@code GET /_plugins/vector_scoring/stats} (and {@code /_plugins/vector_scoring/{nodeId}/stats}): per-node kernel and counters. */
public final class RestVectorScoringStatsAction extends BaseRestHandler {

  @Override
  public String getName() {
    return "vector_scoring_stats";
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route(GET, "/_plugins/vector_scoring/stats"), new Route(GET, "/_plugins/vector_scoring/{nodeId}/stats"));
  }

  @Override
  protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
    VectorScoringStatsRequest statsRequest = new VectorScoringStatsRequest(Strings.splitStringByCommaToArray(request.param("nodeId")));
    String timeout = request.param("timeout");
    try {
      statsRequest.timeout(timeout);
    } catch (OpenSearchParseException | IllegalArgumentException e) {
      // Some of TimeValue's messages do not say which parameter they were parsing.
      throw new IllegalArgumentException("[" + getName() + "] [timeout] must be a time value such as [30s], not [" + timeout + "]", e);
    }
    return channel -> client.execute(VectorScoringStatsAction.INSTANCE, statsRequest,
        new RestActions.NodesResponseRestListener<>(channel));
  }

  @Override
  public boolean canTripCircuitBreaker() {
    return false;
  }
}
