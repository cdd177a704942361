package org.vectorscoring.lucene;

import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.util.BytesRef;

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

  /** Stores {@code vector}, which must be non-empty and finite. */
  public DenseVectorField(String name, float[] vector) {
    super(name, new BytesRef(StoredVectorFormat.encode(checkFinite(name, vector))), TYPE);
  }

  /** Throws an {@link IllegalArgumentException} naming the field and the first bad element, else returns the vector. */
  public static float[] checkFinite(String name, float[] vector) {
    if (vector.length == 0) {
      throw new IllegalArgumentException("[" + name + "] a vector needs at least one dimension");
    }
    for (int i = 0; i < vector.length; i++) {
      if (Float.isFinite(vector[i]) == false) {
        throw new IllegalArgumentException("[" + name + "] element [" + i + "] is [" + vector[i] + "], vectors take finite numbers only");
      }
    }
    return vector;
  }
}
