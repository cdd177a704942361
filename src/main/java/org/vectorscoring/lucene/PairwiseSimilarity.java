package org.vectorscoring.lucene;

import java.io.IOException;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.vectorscoring.kernel.VectorKernel;

/**
 * Pairwise similarity matrices between two sets of vectors, as scikit-learn's {@code cosine_similarity(A, B)}:
 * {@code out[i][j]} is the raw similarity of row {@code a[i]} to column {@code b[j]}, and a zero vector has cosine 0
 * with everything.
 */
public final class PairwiseSimilarity {

  private PairwiseSimilarity() {}

  /** The n×m matrix of raw similarities of {@code a}'s rows to {@code b}'s, on the best kernel. */
  public static float[][] pairwise(float[][] a, float[][] b, VectorSimilarity similarity) {
    return pairwise(a, b, similarity, VectorKernel.best());
  }

  /**
   * As {@link #pairwise(float[][], float[][], VectorSimilarity)}, on the given kernel. Pass the same array twice for a
   * square matrix: each pair is computed once, the result is exactly symmetric, and a non-zero vector's cosine with
   * itself is exactly 1.
   */
  public static float[][] pairwise(float[][] a, float[][] b, VectorSimilarity similarity, VectorKernel kernel) {
    VectorKernel.commonDims(a, b);
    switch (similarity) {
      case COSINE -> {
        // Normalise each vector once, so every cell is a single dot product, computed in register tiles.
        float[][] na = normalized(a);
        float[][] out = kernel.dotProducts(na, a == b ? na : normalized(b));
        for (int i = 0; i < out.length; i++) {
          for (int j = 0; j < out[i].length; j++) {
            out[i][j] = Math.max(-1f, Math.min(1f, out[i][j]));
          }
          if (a == b && isZero(a[i]) == false) {
            out[i][i] = 1f;
          }
        }
        return out;
      }
      case DOT_PRODUCT -> {
        return kernel.dotProducts(a, b);
      }
      case L2 -> {
        // Directly, not from norms and dot products: that identity cancels badly for nearby vectors.
        float[][] out = new float[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
          for (int j = 0; j < b.length; j++) {
            out[i][j] = (float) Math.sqrt(kernel.squaredDistance(a[i], b[j]));
          }
        }
        return out;
      }
      default -> throw new AssertionError(similarity);
    }
  }

  /** The matrix between the vectors that documents {@code rowDocs} and {@code columnDocs} (top-level ids) hold in {@code field}. */
  public static float[][] pairwise(IndexReader reader, String field, int[] rowDocs, int[] columnDocs, VectorSimilarity similarity)
      throws IOException {
    return pairwise(vectors(reader, field, rowDocs), vectors(reader, field, columnDocs), similarity);
  }

  /**
   * The vectors documents {@code docs} (top-level ids) hold in {@code field}.
   *
   * @throws IllegalArgumentException naming the first document without a vector
   */
  public static float[][] vectors(IndexReader reader, String field, int[] docs) throws IOException {
    List<LeafReaderContext> leaves = reader.leaves();
    float[][] out = new float[docs.length][];
    for (int i = 0; i < docs.length; i++) {
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(docs[i], leaves));
      BinaryDocValues values = leaf.reader().getBinaryDocValues(field);
      if (values == null || values.advanceExact(docs[i] - leaf.docBase) == false) {
        throw new IllegalArgumentException("document [" + docs[i] + "] has no vector in [" + field + "]");
      }
      out[i] = StoredVectorFormat.decode(values.binaryValue());
    }
    return out;
  }

  /**
   * Unit-length copies of {@code vectors} (zero vectors stay zero). The norm stays in double: as a float it rounds
   * (a subnormal vector's norm to a neighbouring subnormal, {Float.MIN_VALUE, Float.MIN_VALUE}'s to Float.MIN_VALUE,
   * which turned its cosine with {1, 0} into 1 instead of 0.7071).
   */
  private static float[][] normalized(float[][] vectors) {
    float[][] out = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      double norm = Math.sqrt(VectorKernel.squaredNorm(vectors[i]));
      out[i] = new float[vectors[i].length];
      if (norm != 0d) {
        for (int k = 0; k < out[i].length; k++) {
          out[i][k] = (float) (vectors[i][k] / norm);
        }
      }
    }
    return out;
  }

  /** Whether every element is 0, which is what a zero sum of squares means: no non-zero float squares to 0 in double. */
  private static boolean isZero(float[] v) {
    for (float x : v) {
      if (x != 0f) {
        return false;
      }
    }
    return true;
  }
}
