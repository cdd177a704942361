package org.vectorscoring.opensearch.aggregation;

import java.util.Map;
import java.util.WeakHashMap;
import org.opensearch.search.aggregations.InternalAggregation.ReduceContext;

/**
 * The bytes of the matrices one search's final reduce has computed so far. Under {@code terms} and friends every bucket
 * has its own matrix, and all of them stay in the response until it is written, so each new matrix is reserved on the
 * request breaker together with the ones before it, not alone.
 */
final class ReducedMatrices {

  /**
   * Per cell: the float in the matrix, and about twelve bytes of the JSON response the node renders in memory (a float
   * prints as up to nine significant digits, a sign, a point and a comma; 11.2 bytes a cell measured on random data).
   */
  static final long BYTES_PER_CELL = Float.BYTES + 12;

  // Keyed by the search's own reduce context, which is one object per final reduce; weakly, so a search that has
  // finished (or failed) leaves nothing behind.
  private static final Map<ReduceContext, long[]> TOTALS = new WeakHashMap<>();

  private ReducedMatrices() {}

  /** Adds a matrix of {@code cells} cells to the search's tally and returns the bytes of all of them, this one included. */
  static synchronized long add(ReduceContext search, long cells) {
    long[] total = TOTALS.computeIfAbsent(search, s -> new long[1]);
    total[0] += cells * BYTES_PER_CELL;
    return total[0];
  }
}
