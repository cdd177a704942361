package org.vectorscoring.opensearch.aggregation;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;

/**
 * A document that may become a row (or column) of a similarity matrix: its score, its label and its vector. Shards
 * send their best candidates; the final reduce keeps the best across shards.
 *
 * @param score the document's score in the query that found it
 * @param key the row or column label: the document's {@code _id} or its value of the key field
 * @param vector the document's vector
 */
record MatrixCandidate(float score, String key, float[] vector) implements Writeable {

  /**
   * Best first: higher score, then smaller key, then smaller vector, so the order (and so the matrix) does not
   * depend on how documents are spread over shards, even when keys repeat.
   */
  static final Comparator<MatrixCandidate> BEST_FIRST = Comparator.comparingDouble((MatrixCandidate c) -> -c.score)
      .thenComparing(MatrixCandidate::key)
      .thenComparing(MatrixCandidate::vector, Arrays::compare);

  MatrixCandidate(StreamInput in) throws IOException {
    this(in.readFloat(), in.readString(), in.readFloatArray());
  }

  @Override
  public void writeTo(StreamOutput out) throws IOException {
    out.writeFloat(score);
    out.writeString(key);
    out.writeFloatArray(vector);
  }

  /** Heap bytes this candidate holds, for circuit-breaker accounting. */
  long ramBytes() {
    return 64L + 2L * key.length() + (long) vector.length * Float.BYTES;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MatrixCandidate other
        && Float.compare(score, other.score) == 0
        && key.equals(other.key)
        && Arrays.equals(vector, other.vector);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Float.hashCode(score) + key.hashCode()) + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return key + "(" + score + ")";
  }
}
