package org.vectorscoring.lucene;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.util.BytesRef;
import org.vectorscoring.kernel.VectorKernel;

/**
 * A query vector ready to score stored vectors: checked once, its norm computed once, paired with the
 * similarity and the kernel. Immutable and thread-safe, so one instance serves every segment and thread.
 */
public final class QueryVector {

  private final String field;
  private final float[] vector;
  private final float norm;
  private final VectorSimilarity similarity;
  private final VectorKernel kernel;
  private final LongAdder scored;

  /**
   * @throws IllegalArgumentException when the vector is empty, not finite, above {@link DenseVectorField#MAX_NORM},
   *     or zero with cosine; the message names {@code field}
   */
  public QueryVector(String field, float[] vector, VectorSimilarity similarity, VectorKernel kernel) {
    this(field, vector, similarity, kernel, null);
  }

  /** As {@link #QueryVector(String, float[], VectorSimilarity, VectorKernel)}, counting each stored vector scored in {@code scored}. */
  public QueryVector(String field, float[] vector, VectorSimilarity similarity, VectorKernel kernel, LongAdder scored) {
    DenseVectorField.checkVector(field, vector);
    this.scored = scored;
    this.field = field;
    this.vector = vector.clone();
    this.norm = VectorKernel.norm(vector);
    this.similarity = similarity;
    this.kernel = kernel;
    if (similarity == VectorSimilarity.COSINE && norm == 0f) {
      throw new IllegalArgumentException("[" + field + "] the query vector is all zeros, which has no cosine similarity");
    }
  }

  public String field() {
    return field;
  }

  public int dims() {
    return vector.length;
  }

  public VectorSimilarity similarity() {
    return similarity;
  }

  public VectorKernel kernel() {
    return kernel;
  }

  /** A copy of the query vector. */
  public float[] vector() {
    return vector.clone();
  }

  /** The raw similarity s of this query vector to a vector in {@link StoredVectorFormat}. */
  public float similarity(BytesRef stored) {
    checkLength(stored.length);
    return switch (similarity) {
      case COSINE -> VectorKernel.cosine(kernel.dotProduct(vector, stored.bytes, stored.offset), norm,
          StoredVectorFormat.norm(stored, vector.length));
      case DOT_PRODUCT -> kernel.dotProduct(vector, stored.bytes, stored.offset);
      case L2 -> (float) Math.sqrt(kernel.squaredDistance(vector, stored.bytes, stored.offset));
    };
  }

  /**
   * The raw similarity s of this query vector to the vector {@code values} is positioned on: read in place where
   * {@link DenseVectorDocValuesFormat} stored it and the JVM allows ({@link MappedVectors}), else through
   * {@code binaryValue()}. Both give the same bits.
   */
  public float similarity(BinaryDocValues values) throws IOException {
    if (values instanceof StoredVectorDocValues stored) {
      MappedVectors mapped = stored.mapped(kernel);
      if (mapped != null) {
        checkLength(stored.valueLength());
        long offset = stored.valueOffset();
        return switch (similarity) {
          case COSINE -> VectorKernel.cosine(mapped.dotProduct(vector, offset), norm, mapped.norm(offset, vector.length));
          case DOT_PRODUCT -> mapped.dotProduct(vector, offset);
          case L2 -> (float) Math.sqrt(mapped.squaredDistance(vector, offset));
        };
      }
    }
    return similarity(values.binaryValue());
  }

  /** Checks a stored vector's length in bytes against the query's dims, and counts it as scored. */
  private void checkLength(int storedLength) {
    if (storedLength != StoredVectorFormat.length(vector.length)) {
      throw new IllegalArgumentException("[" + field + "] holds a vector of [" + StoredVectorFormat.dims(storedLength)
          + "] dimensions, the query vector has [" + vector.length + "]");
    }
    if (scored != null) {
      scored.increment();
    }
  }

  /** The score of a stored vector: {@link VectorSimilarity#score(float)} of its raw similarity. */
  public float score(BytesRef stored) {
    return similarity.score(similarity(stored));
  }

  @Override
  public boolean equals(Object o) {
    // The kernel is left out: both kernels give the same results, so queries that differ only in it are equal.
    return o instanceof QueryVector other
        && field.equals(other.field)
        && similarity == other.similarity
        && Arrays.equals(vector, other.vector);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * field.hashCode() + similarity.hashCode()) + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return similarity.externalName() + "(" + field + ", [" + vector.length + " dims])";
  }
}
