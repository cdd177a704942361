package org.vectorscoring.lucene;

import org.apache.lucene.util.BytesRef;
import org.vectorscoring.kernel.LittleEndianFloats;
import org.vectorscoring.kernel.VectorKernel;

/**
 * How a vector is stored in binary doc values: its {@code dims} floats, then its L2 norm, all little-endian.
 * The norm is computed once here, at index time, so scoring a cosine needs one dot product per document;
 * little-endian lets the SIMD kernel read the bytes as floats without decoding them.
 */
public final class StoredVectorFormat {

  private StoredVectorFormat() {}

  /** Bytes one stored vector of {@code dims} dimensions takes. */
  public static int length(int dims) {
    return (dims + 1) * Float.BYTES;
  }

  /** The stored form of {@code vector}: its floats and its norm. The caller has checked that the values are finite. */
  public static byte[] encode(float[] vector) {
    byte[] bytes = new byte[length(vector.length)];
    LittleEndianFloats.put(bytes, 0, vector);
    LittleEndianFloats.put(bytes, vector.length * Float.BYTES, VectorKernel.norm(vector));
    return bytes;
  }

  /** Dimensions of a stored vector, from its length. */
  public static int dims(BytesRef stored) {
    return dims(stored.length);
  }

  /** Dimensions of a stored vector of {@code length} bytes. */
  public static int dims(int length) {
    return length / Float.BYTES - 1;
  }

  /** The norm stored after the vector's {@code dims} floats. */
  public static float norm(BytesRef stored, int dims) {
    return LittleEndianFloats.get(stored.bytes, stored.offset + dims * Float.BYTES);
  }

  /** The vector's floats, as a new array. */
  public static float[] decode(BytesRef stored) {
    int dims = dims(stored);
    float[] vector = new float[dims];
    LittleEndianFloats.get(stored.bytes, stored.offset, vector, dims);
    return vector;
  }
}
