package org.vectorscoring;

import org.vectorscoring.lucene.VectorSimilarity;

/** The contract's similarities and scores in double precision: the oracle every test holds results against. */
public final class ReferenceScores {

  private ReferenceScores() {}

  public static double similarity(VectorSimilarity similarity, float[] q, float[] d) {
    double dot = 0, qq = 0, dd = 0, l2 = 0;
    for (int i = 0; i < q.length; i++) {
      dot += (double) q[i] * d[i];
      qq += (double) q[i] * q[i];
      dd += (double) d[i] * d[i];
      double diff = (double) q[i] - d[i];
      l2 += diff * diff;
    }
    return switch (similarity) {
      case COSINE -> dd == 0 ? 0 : dot / Math.sqrt(qq * dd);
      case DOT_PRODUCT -> dot;
      case L2 -> Math.sqrt(l2);
    };
  }

  public static double scoreOf(VectorSimilarity similarity, double s) {
    return switch (similarity) {
      case COSINE -> (1 + s) / 2;
      case DOT_PRODUCT -> s >= 0 ? s + 1 : 1 / (1 - s);
      case L2 -> 1 / (1 + s * s);
    };
  }

  public static double score(VectorSimilarity similarity, float[] q, float[] d) {
    return scoreOf(similarity, similarity(similarity, q, d));
  }

  /**
   * A threshold near {@code wanted} that no vector's reference similarity lies within 1e-4 of: a float kernel and
   * the double reference may put a vector that close on different sides, and the test must not depend on which.
   */
  public static float thresholdAwayFrom(VectorSimilarity similarity, float[] q, Iterable<float[]> vectors, float wanted) {
    float threshold = wanted;
    boolean clear;
    do {
      clear = true;
      for (float[] v : vectors) {
        if (v != null && Math.abs(similarity(similarity, q, v) - threshold) < 1e-4) {
          threshold += 1e-3f;
          clear = false;
          break;
        }
      }
    } while (clear == false);
    return threshold;
  }
}
