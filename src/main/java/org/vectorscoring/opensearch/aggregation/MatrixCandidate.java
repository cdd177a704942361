package org.vectorscoring.opensearch.aggregation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
  static final Comparator<MatrixCandidate> BEST_FIRST = (x, y) -> {
    int byScoreAndKey = compareScoreAndKey(x.score, x.key, y);
    return byScoreAndKey != 0 ? byScoreAndKey : Arrays.compare(x.vector, y.vector);
  };

  /**
   * {@link #BEST_FIRST} on score and key alone, for a document whose vector is not read yet: negative when it ranks
   * before {@code other}.
   */
  static int compareScoreAndKey(float score, String key, MatrixCandidate other) {
    int byScore = Double.compare(-(double) score, -(double) other.score);
    return byScore != 0 ? byScore : key.compareTo(other.key);
  }

  MatrixCandidate(StreamInput in) throws IOException {
    this(in.readFloat(), in.readString(), readVector(in));
  }

  @Override
  public void writeTo(StreamOutput out) throws IOException {
    out.writeFloat(score);
    out.writeString(key);
    writeVector(out, vector);
  }

  // Shard results are serialised even on one node (the coordinator holds them as bytes until the reduce), and
  // writeFloatArray goes float by float: 1000 vectors of 768 dims took 19 ms to write and read back, as one block of
  // little-endian bytes 7 ms.
  private static void writeVector(StreamOutput out, float[] vector) throws IOException {
    byte[] bytes = new byte[vector.length * Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(vector);
    out.writeVInt(vector.length);
    out.writeBytes(bytes);
  }

  private static float[] readVector(StreamInput in) throws IOException {
    int dims = in.readVInt();
    if (dims < 0 || dims > Integer.MAX_VALUE / Float.BYTES) {
      throw new IOException("invalid vector length [" + dims + "] in a similarity_matrix shard result");
    }
    byte[] bytes = new byte[dims * Float.BYTES];
    in.readBytes(bytes, 0, bytes.length);
    float[] vector = new float[dims];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
    return vector;
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
