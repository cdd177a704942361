package org.vectorscoring.opensearch.aggregation;

import java.io.IOException;
import java.util.Map;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.aggregations.Aggregator;
import org.opensearch.search.aggregations.AggregatorFactories;
import org.opensearch.search.aggregations.AggregatorFactory;
import org.opensearch.search.aggregations.CardinalityUpperBound;
import org.opensearch.search.internal.SearchContext;

/** Creates a shard's {@link SimilarityMatrixAggregator} for a resolved {@link MatrixRequest}. */
final class SimilarityMatrixAggregatorFactory extends AggregatorFactory {

  private final MatrixRequest request;

  SimilarityMatrixAggregatorFactory(String name, MatrixRequest request, QueryShardContext context, AggregatorFactory parent,
      AggregatorFactories.Builder subFactories, Map<String, Object> metadata) throws IOException {
    super(name, context, parent, subFactories, metadata);
    this.request = request;
  }

  @Override
  protected Aggregator createInternal(SearchContext searchContext, Aggregator parent, CardinalityUpperBound cardinality,
      Map<String, Object> metadata) throws IOException {
    return new SimilarityMatrixAggregator(name, request, searchContext, parent, metadata);
  }
}
