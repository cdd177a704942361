package org.vectorscoring.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The benchmarks' documents, the same in every run: vectors of uniform random elements in [-1, 1), and a filter that
 * matches a random 10% of the documents (each independently, so matches lie at random distances, as a real filter's do).
 */
final class BenchCorpus {

  /** The keyword value the 10% filter matches; every other document has {@link #OTHER_TAG}. */
  static final String FILTER_TAG = "a";
  static final String OTHER_TAG = "b";

  private static final long VECTOR_SEED = 7;
  private static final long FILTER_SEED = 11;
  private static final long QUERY_SEED = 13;

  private final int dims;
  private final SplittableRandom vectors = new SplittableRandom(VECTOR_SEED);
  private final SplittableRandom filter = new SplittableRandom(FILTER_SEED);

  BenchCorpus(int dims) {
    this.dims = dims;
  }

  /** The next document's vector. */
  float[] nextVector() {
    return randomVector(vectors, dims);
  }

  /** Whether the next document matches the filter. */
  boolean nextInFilter() {
    return filter.nextInt(10) == 0;
  }

  /** The query vector, independent of the documents. */
  float[] queryVector() {
    return randomVector(new SplittableRandom(QUERY_SEED), dims);
  }

  /** The documents among {@code docs} that the filter matches, ascending: what {@link #nextInFilter()} returns in turn. */
  static int[] filterDocs(int docs) {
    SplittableRandom filter = new SplittableRandom(FILTER_SEED);
    int[] matching = new int[docs];
    int n = 0;
    for (int doc = 0; doc < docs; doc++) {
      if (filter.nextInt(10) == 0) {
        matching[n++] = doc;
      }
    }
    return Arrays.copyOf(matching, n);
  }

  /** The first of the newest tenth of {@code docs} in indexing order: what a recent time window selects. */
  static int newestFrom(int docs) {
    return docs - docs / 10;
  }

  private static float[] randomVector(SplittableRandom random, int dims) {
    float[] v = new float[dims];
    for (int k = 0; k < dims; k++) {
      v[k] = (float) random.nextDouble(-1, 1);
    }
    return v;
  }
}
