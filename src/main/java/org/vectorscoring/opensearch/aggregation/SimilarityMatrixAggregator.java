package org.vectorscoring.opensearch.aggregation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.opensearch.search.aggregations.Aggregator;
import org.opensearch.search.aggregations.InternalAggregation;
import org.opensearch.search.aggregations.LeafBucketCollector;
import org.opensearch.search.aggregations.LeafBucketCollectorBase;
import org.opensearch.search.aggregations.metrics.MetricsAggregator;
import org.opensearch.search.internal.SearchContext;
import org.vectorscoring.lucene.StoredVectorFormat;

/**
 * Collects, per bucket, the shard's best {@code size} documents with a vector (by score, ties by key), and once per
 * shard the columns of {@code columns.filter}. The matrix itself is computed on the final reduce, once. Retained
 * vectors are accounted to the request circuit breaker as they are kept, and the columns once more for every bucket
 * result that carries them.
 */
final class SimilarityMatrixAggregator extends MetricsAggregator {

  private final MatrixRequest request;
  private final Map<Long, TopCandidates> rowsByBucket = new HashMap<>();
  private List<MatrixCandidate> columns;

  SimilarityMatrixAggregator(String name, MatrixRequest request, SearchContext context, Aggregator parent, Map<String, Object> metadata)
      throws IOException {
    super(name, context, parent, metadata);
    this.request = request;
  }

  @Override
  public ScoreMode scoreMode() {
    return ScoreMode.COMPLETE;
  }

  @Override
  public LeafBucketCollector getLeafCollector(LeafReaderContext ctx, LeafBucketCollector sub) throws IOException {
    BinaryDocValues vectors = ctx.reader().getBinaryDocValues(request.fieldType().name());
    if (vectors == null) {
      return LeafBucketCollector.NO_OP_COLLECTOR;
    }
    DocumentKeys keys = DocumentKeys.forLeaf(ctx.reader(), request.keyField());
    return new LeafBucketCollectorBase(sub, null) {
      private Scorable scorer;

      @Override
      public void setScorer(Scorable scorer) throws IOException {
        this.scorer = scorer;
        super.setScorer(scorer);
      }

      @Override
      public void collect(int doc, long bucket) throws IOException {
        if (vectors.advanceExact(doc)) {
          offer(rowsByBucket.computeIfAbsent(bucket, b -> new TopCandidates(request.size())), doc, scorer.score(), vectors, keys);
        }
      }
    };
  }

  /**
   * Offers the document {@code vectors} is positioned on; its key is read only if its score can enter, its vector only
   * if its score and key can, and what the candidates retain is reserved on the request breaker.
   */
  private void offer(TopCandidates top, int doc, float score, BinaryDocValues vectors, DocumentKeys keys) throws IOException {
    if (top.mayAccept(score) == false) {
      return;
    }
    String key = keys.key(doc);
    if (key != null && top.mayAccept(score, key)) {
      addRequestCircuitBreakerBytes(top.offer(new MatrixCandidate(score, key, StoredVectorFormat.decode(vectors.binaryValue()))));
    }
  }

  @Override
  public InternalAggregation buildAggregation(long bucket) throws IOException {
    TopCandidates top = rowsByBucket.get(bucket);
    List<MatrixCandidate> rows = top == null ? List.of() : top.sorted();
    request.fieldType().stats().onMatrix();
    return result(rows);
  }

  @Override
  public InternalAggregation buildEmptyAggregation() {
    try {
      return result(List.of());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private InternalSimilarityMatrix result(List<MatrixCandidate> rows) throws IOException {
    InternalSimilarityMatrix.Columns mode;
    if (request.columnsVectors() != null) {
      mode = InternalSimilarityMatrix.Columns.VECTORS;
    } else if (request.columnsQuery() != null) {
      mode = InternalSimilarityMatrix.Columns.FILTER;
    } else {
      mode = InternalSimilarityMatrix.Columns.ROWS;
    }
    List<MatrixCandidate> carried = mode == InternalSimilarityMatrix.Columns.ROWS ? List.of() : columns();
    // Every bucket's result holds the same column list here, but is serialised with its own copy of it (and read back
    // as one on the coordinator): under terms, buckets × columns. Reserved before that copy is made, so too many is a
    // 429 from this shard rather than an OutOfMemoryError while the shard result is written.
    addRequestCircuitBreakerBytes(carried.stream().mapToLong(MatrixCandidate::ramBytes).sum());
    return new InternalSimilarityMatrix(name, request.fieldType().name(), request.similarity(), request.size(), mode,
        request.columnsSize(), rows, carried, request.fieldType().kernel().name(), false, null, metadata());
  }

  /**
   * The shard's column candidates: given vectors, or the best of {@code columns.filter} over the whole shard, run as
   * the search context runs its own query: with the filters {@code buildFilteredQuery} adds (a filtered alias, nested
   * documents, a slice), and on the context's searcher (the index's similarity, query cache and cancellation).
   */
  private List<MatrixCandidate> columns() throws IOException {
    if (columns != null) {
      return columns;
    }
    if (request.columnsVectors() != null) {
      List<MatrixCandidate> given = new ArrayList<>();
      for (int i = 0; i < request.columnsVectors().length; i++) {
        given.add(new MatrixCandidate(0f, Integer.toString(i), request.columnsVectors()[i]));
      }
      return columns = given;
    }
    TopCandidates top = new TopCandidates(request.columnsSize());
    context.searcher().search(context.buildFilteredQuery(request.columnsQuery()), new SimpleCollector() {
      private BinaryDocValues vectors;
      private DocumentKeys keys;
      private Scorable scorer;

      @Override
      protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
        vectors = ctx.reader().getBinaryDocValues(request.fieldType().name());
        keys = DocumentKeys.forLeaf(ctx.reader(), request.keyField());
      }

      @Override
      public void setScorer(Scorable scorer) {
        this.scorer = scorer;
      }

      @Override
      public void collect(int doc) throws IOException {
        if (vectors != null && vectors.advanceExact(doc)) {
          offer(top, doc, scorer.score(), vectors, keys);
        }
      }

      @Override
      public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE;
      }
    });
    return columns = top.sorted();
  }
}
