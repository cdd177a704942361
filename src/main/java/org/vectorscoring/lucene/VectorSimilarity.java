package org.vectorscoring.lucene;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The similarities a vector can be scored by, each with its raw similarity and the non-negative score Lucene
 * ranks by (the contract's table, shared by the query, the script engine and rescoring).
 */
public enum VectorSimilarity {
  /** dot(q, d) / (|q| |d|), 0 when |d| = 0; score (1 + s) / 2. */
  COSINE {
    @Override
    public float score(float similarity) {
      return (1f + similarity) / 2f;
    }
  },
  /** dot(q, d); score s + 1 for s &ge; 0, else 1 / (1 - s), so that scores stay positive and ordered. */
  DOT_PRODUCT {
    @Override
    public float score(float similarity) {
      return similarity >= 0 ? similarity + 1f : 1f / (1f - similarity);
    }
  },
  /** Euclidean distance |q - d|; score 1 / (1 + s&sup2;), smaller distances rank first. */
  L2 {
    @Override
    public float score(float similarity) {
      return 1f / (1f + similarity * similarity);
    }

    @Override
    public boolean meets(float similarity, float threshold) {
      return similarity <= threshold;
    }
  };

  /** The score Lucene ranks by for a raw similarity: non-negative and increasing with relevance. */
  public abstract float score(float similarity);

  /** Whether a raw similarity passes a {@code min_similarity} threshold: at least it, or for l2 at most it. */
  public boolean meets(float similarity, float threshold) {
    return similarity >= threshold;
  }

  /** The name used in mappings and requests: {@code cosine}, {@code dot_product}, {@code l2}. */
  public String externalName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #externalName()}; the message lists what is accepted. */
  public static VectorSimilarity fromName(String name) {
    for (VectorSimilarity s : values()) {
      if (s.externalName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown similarity [" + name + "], expected one of " + names());
  }

  /** {@code [cosine, dot_product, l2]}, for messages. */
  public static String names() {
    return Arrays.stream(values()).map(VectorSimilarity::externalName).collect(Collectors.joining(", ", "[", "]"));
  }
}
