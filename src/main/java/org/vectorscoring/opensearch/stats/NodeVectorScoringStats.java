package org.vectorscoring.opensearch.stats;

import java.io.IOException;
import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentFragment;
import org.opensearch.core.xcontent.XContentBuilder;

/** One node's answer to the stats request: its kernel, the dimensions it accepts, and its counters. */
public final class NodeVectorScoringStats extends BaseNodeResponse implements ToXContentFragment {

  private final String kernel;
  private final int maxDims;
  private final long[] counters;

  NodeVectorScoringStats(DiscoveryNode node, String kernel, int maxDims, long[] counters) {
    super(node);
    this.kernel = kernel;
    this.maxDims = maxDims;
    this.counters = counters;
  }

  NodeVectorScoringStats(StreamInput in) throws IOException {
    super(in);
    this.kernel = in.readString();
    this.maxDims = in.readVInt();
    this.counters = in.readVLongArray();
  }

  @Override
  public void writeTo(StreamOutput out) throws IOException {
    super.writeTo(out);
    out.writeString(kernel);
    out.writeVInt(maxDims);
    out.writeVLongArray(counters);
  }

  public String kernel() {
    return kernel;
  }

  public long[] counters() {
    return counters.clone();
  }

  @Override
  public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject(getNode().getId());
    builder.field("name", getNode().getName());
    builder.field("kernel", kernel);
    builder.field("max_dims", maxDims);
    builder.startObject("counters");
    builder.field("queries", counters[0]);
    builder.field("scripts", counters[1]);
    builder.field("matrices", counters[2]);
    builder.field("documents_scored", counters[3]);
    builder.endObject();
    return builder.endObject();
  }
}
