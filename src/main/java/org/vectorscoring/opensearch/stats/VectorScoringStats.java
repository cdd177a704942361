package org.vectorscoring.opensearch.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * This node's counters: queries, scripts and matrices run (per shard), documents scored. One instance per node,
 * created by the plugin and handed to what it counts; {@link LongAdder}s keep the hot path free of contention.
 */
public final class VectorScoringStats {

  private final LongAdder queries = new LongAdder();
  private final LongAdder scripts = new LongAdder();
  private final LongAdder matrices = new LongAdder();
  private final LongAdder documentsScored = new LongAdder();

  /** A {@code vector_similarity} query started scoring on a shard (once per shard and search, again for a rescore). */
  public void onQuery() {
    queries.increment();
  }

  /** A {@code vector_scoring} script started scoring on a shard. */
  public void onScript() {
    scripts.increment();
  }

  /** A {@code similarity_matrix} was computed. */
  public void onMatrix() {
    matrices.increment();
  }

  /** The counter of stored vectors scored, incremented once per document by the Lucene layer. */
  public LongAdder documentsScoredCounter() {
    return documentsScored;
  }

  /** The counters now, in {@code queries, scripts, matrices, documents scored} order. */
  public long[] snapshot() {
    return new long[] {queries.sum(), scripts.sum(), matrices.sum(), documentsScored.sum()};
  }
}
