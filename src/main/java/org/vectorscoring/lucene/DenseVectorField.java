package org.vectorscoring.lucene;

import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.util.BytesRef;
import org.vectorscoring.kernel.VectorKernel;

/**
 * A float vector with its L2 norm, stored in binary doc values for exact scoring; no HNSW graph is built.
 * One per field per document.
 */
public final class DenseVectorField extends Field {

  /** Binary doc values only: nothing is indexed for search, nothing stored beyond the doc values. */
  public static final FieldType TYPE;

  static {
    FieldType type = new FieldType();
    type.setDocValuesType(DocValuesType.BINARY);
    type.freeze();
    TYPE = type;
  }

  /**
   * The largest L2 norm a vector may have, 2^62: the dot product and the squared distance of any two such vectors are
   * then at most 2^126, a quarter of the float range, so float kernels never overflow to an infinite or NaN score.
   */
  public static final float MAX_NORM = 0x1p62f;

  /** Stores {@code vector}, which must be non-empty, finite and of norm at most {@link #MAX_NORM}. */
  public DenseVectorField(String name, float[] vector) {
    super(name, new BytesRef(StoredVectorFormat.encode(checkVector(name, vector))), TYPE);
  }

  /**
   * Throws an {@link IllegalArgumentException} naming the field and the first bad element, or the norm when it is
   * above {@link #MAX_NORM}; else returns the vector.
   */
  public static float[] checkVector(String name, float[] vector) {
    if (vector.length == 0) {
      throw new IllegalArgumentException("[" + name + "] a vector needs at least one dimension");
    }
    for (int i = 0; i < vector.length; i++) {
      if (Float.isFinite(vector[i]) == false) {
        throw new IllegalArgumentException("[" + name + "] element [" + i + "] is [" + vector[i] + "], vectors take finite numbers only");
      }
    }
    checkNorm("[" + name + "]", vector);
    return vector;
  }

  /**
   * Throws an {@link IllegalArgumentException} when the norm of {@code vector} (finite elements) is above
   * {@link #MAX_NORM}, with {@code name} as written, e.g. {@code [embedding]} or {@code [query_vector]}.
   */
  public static void checkNorm(String name, float[] vector) {
    double sum = VectorKernel.squaredNorm(vector);
    if (sum > (double) MAX_NORM * MAX_NORM) {
      throw new IllegalArgumentException(name + " has an L2 norm of [" + Math.sqrt(sum) + "], above ["
          + (double) MAX_NORM + "], the most a vector may have for its similarities to stay within the float range");
    }
  }
}
