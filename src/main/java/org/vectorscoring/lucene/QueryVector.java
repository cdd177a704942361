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
        return fromProduct(product(mapped, offset), mapped, offset);
      }
    }
    return similarity(values.binaryValue());
  }

  /**
   * The raw similarities of this query vector to the {@code count} stored vectors at byte {@code offsets} (ascending)
   * of {@code mapped}, each {@code storedLength} bytes long, into {@code out}: bit for bit what
   * {@link #similarity(BinaryDocValues)} gives each. Four or more vectors that lie back to back are read in one loop
   * ({@link MappedVectors#dotProductsInRow}), as they stream; others four at a time
   * ({@link MappedVectors#dotProducts}), so that their cache misses overlap.
   */
  void similarities(MappedVectors mapped, int storedLength, long[] offsets, int count, float[] out) {
    if (count == 0) {
      return;
    }
    checkLength(storedLength, count);
    boolean l2 = similarity == VectorSimilarity.L2;
    int i = 0;
    while (i < count) {
      int run = 1;
      while (i + run < count && offsets[i + run] - offsets[i + run - 1] == storedLength) {
        run++;
      }
      if (run < 4 && i + 4 <= count) {
        if (l2) {
          mapped.squaredDistances(vector, offsets[i], offsets[i + 1], offsets[i + 2], offsets[i + 3], out, i);
        } else {
          mapped.dotProducts(vector, offsets[i], offsets[i + 1], offsets[i + 2], offsets[i + 3], out, i);
        }
        i += 4;
      } else {
        if (l2) {
          mapped.squaredDistancesInRow(vector, offsets[i], storedLength, run, out, i);
        } else {
          mapped.dotProductsInRow(vector, offsets[i], storedLength, run, out, i);
        }
        i += run;
      }
    }
    for (int k = 0; k < count; k++) {
      out[k] = fromProduct(out[k], mapped, offsets[k]);
    }
  }

  /** What a similarity starts from, for the stored vector at {@code offset}: the squared distance for l2, else the dot product. */
  private float product(MappedVectors mapped, long offset) {
    return similarity == VectorSimilarity.L2 ? mapped.squaredDistance(vector, offset) : mapped.dotProduct(vector, offset);
  }

  /** The raw similarity from {@link #product}: cosine divides by the two norms, l2 takes the root. */
  private float fromProduct(float product, MappedVectors mapped, long offset) {
    return switch (similarity) {
      case COSINE -> VectorKernel.cosine(product, norm, mapped.norm(offset, vector.length));
      case DOT_PRODUCT -> product;
      case L2 -> (float) Math.sqrt(product);
    };
  }

  /** Checks a stored vector's length in bytes against the query's dims, and counts it as scored. */
  private void checkLength(int storedLength) {
    checkLength(storedLength, 1);
  }

  /** Checks the length in bytes of {@code vectors} stored vectors against the query's dims, and counts them as scored. */
  private void checkLength(int storedLength, int vectors) {
    if (storedLength != StoredVectorFormat.length(vector.length)) {
      throw new IllegalArgumentException("[" + field + "] holds a vector of [" + StoredVectorFormat.dims(storedLength)
          + "] dimensions, the query vector has [" + vector.length + "]");
    }
    if (scored != null) {
      scored.add(vectors);
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
