package org.vectorscoring.bench;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vectorscoring.lucene.StoredVectorFormat;

/**
 * The memory-bandwidth floor of a scoring pass: stored vectors laid back to back on the heap as a segment's doc values
 * lay them in the mapped file (same bytes per vector, same stride), summed with SIMD loads and nothing else. Summing
 * all of them is the least a pass over every document can cost; summing only a filter's documents, one after the
 * other as doc values hand them out, is the least a filtered pass can cost, since it must read those vectors where
 * they lie.
 */
final class StreamingFloor {

  private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

  private final byte[] stored;
  private final int stride;

  StreamingFloor(int dims, int docs) {
    stride = StoredVectorFormat.length(dims);
    stored = new byte[Math.multiplyExact(stride, docs)];
    // Real floats: random bytes would hold denormals and NaNs, which some CPUs add more slowly.
    BenchCorpus corpus = new BenchCorpus(dims);
    for (int doc = 0; doc < docs; doc++) {
      System.arraycopy(StoredVectorFormat.encode(corpus.nextVector()), 0, stored, doc * stride, stride);
    }
  }

  /** Reads every stored vector once. */
  float all() {
    return sum(0, stored.length);
  }

  /** Reads the stored vectors of {@code docs} (ascending), one after the other. */
  float only(int[] docs) {
    float total = 0;
    for (int doc : docs) {
      total += sum(doc * stride, stride);
    }
    return total;
  }

  /**
   * As {@link #only(int[])}, two vectors at a time in one loop, so the misses of two vectors are in flight together:
   * the fastest way we found to read scattered vectors, and still a plain read.
   */
  float onlyInPairs(int[] docs) {
    float total = 0;
    int i = 0;
    for (; i + 1 < docs.length; i += 2) {
      total += sumPair(docs[i] * stride, docs[i + 1] * stride);
    }
    for (; i < docs.length; i++) {
      total += sum(docs[i] * stride, stride);
    }
    return total;
  }

  private float sumPair(int first, int second) {
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = FloatVector.zero(FLOATS);
    int step = BYTES.length();
    int i = 0;
    for (int bound = stride - step; i <= bound; i += step) {
      acc0 = acc0.add(ByteVector.fromArray(BYTES, stored, first + i).reinterpretAsFloats());
      acc1 = acc1.add(ByteVector.fromArray(BYTES, stored, second + i).reinterpretAsFloats());
    }
    float total = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < stride; i++) {
      total += stored[first + i] + stored[second + i];
    }
    return total;
  }

  // Two independent sums, so one add's latency does not hold up the next load.
  private float sum(int from, int length) {
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = FloatVector.zero(FLOATS);
    int step = BYTES.length();
    int end = from + length;
    int i = from;
    for (int bound = end - 2 * step; i <= bound; i += 2 * step) {
      acc0 = acc0.add(ByteVector.fromArray(BYTES, stored, i).reinterpretAsFloats());
      acc1 = acc1.add(ByteVector.fromArray(BYTES, stored, i + step).reinterpretAsFloats());
    }
    float total = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    // The tail (less than two SIMD loads) as bytes: the floor must touch it, not add it up exactly.
    for (; i < end; i++) {
      total += stored[i];
    }
    return total;
  }
}
