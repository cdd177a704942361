package org.vectorscoring.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Floats packed as little-endian bytes: the layout in which vectors are stored. Little-endian because it
 * is the native order of the platforms that matter, so the SIMD kernel can reinterpret the bytes directly.
 */
public final class LittleEndianFloats {

  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private LittleEndianFloats() {}

  /** The float stored at byte {@code offset}. */
  public static float get(byte[] bytes, int offset) {
    return (float) FLOAT.get(bytes, offset);
  }

  /** Stores {@code value} at byte {@code offset}. */
  public static void put(byte[] bytes, int offset, float value) {
    FLOAT.set(bytes, offset, value);
  }

  /** Writes all of {@code values} from byte {@code offset}. */
  public static void put(byte[] bytes, int offset, float[] values) {
    for (int i = 0; i < values.length; i++) {
      FLOAT.set(bytes, offset + (i << 2), values[i]);
    }
  }

  /** Reads {@code dims} floats from byte {@code offset} into {@code out}. */
  public static void get(byte[] bytes, int offset, float[] out, int dims) {
    for (int i = 0; i < dims; i++) {
      out[i] = (float) FLOAT.get(bytes, offset + (i << 2));
    }
  }
}
