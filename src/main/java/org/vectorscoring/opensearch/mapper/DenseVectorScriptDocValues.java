package org.vectorscoring.opensearch.mapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.util.BytesRef;
import org.opensearch.index.fielddata.ScriptDocValues;
import org.vectorscoring.lucene.QueryVector;
import org.vectorscoring.lucene.StoredVectorFormat;

/**
 * A document's vector as scripts see it through {@code doc['field']}: a list of zero or one vector, with
 * {@code vectorValue} and {@code magnitude} as Elasticsearch names them, and the stored bytes for the kernel.
 */
public final class DenseVectorScriptDocValues extends ScriptDocValues<float[]> {

  private final BinaryDocValues values;
  private final DenseVectorFieldType fieldType;
  private boolean hasValue;

  DenseVectorScriptDocValues(BinaryDocValues values, DenseVectorFieldType fieldType) {
    this.values = values;
    this.fieldType = fieldType;
  }

  @Override
  public void setNextDocId(int docId) throws IOException {
    hasValue = values != null && values.advanceExact(docId);
  }

  public DenseVectorFieldType fieldType() {
    return fieldType;
  }

  /** Whether the current document has a vector. */
  public boolean hasVector() {
    return hasValue;
  }

  /** The raw similarity of {@code query} to the current document's vector, which must exist ({@link #hasVector()}). */
  public float similarity(QueryVector query) throws IOException {
    if (hasValue == false) {
      throw new IllegalStateException("[" + fieldType.name() + "] this document has no vector");
    }
    return query.similarity(values);
  }

  /** A copy of the current document's vector. */
  public float[] getVectorValue() throws IOException {
    return StoredVectorFormat.decode(checkedValue());
  }

  /** The L2 norm stored with the current document's vector. */
  public float getMagnitude() throws IOException {
    return StoredVectorFormat.norm(checkedValue(), fieldType.dims());
  }

  private BytesRef checkedValue() throws IOException {
    if (hasValue == false) {
      throw new IllegalStateException("[" + fieldType.name() + "] this document has no vector; check doc['" + fieldType.name()
          + "'].size() == 0 first");
    }
    return values.binaryValue();
  }

  @Override
  public float[] get(int index) {
    if (index != 0 || hasValue == false) {
      throw new IndexOutOfBoundsException("[" + fieldType.name() + "] holds " + size() + " vector(s), no index [" + index + "]");
    }
    try {
      return getVectorValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int size() {
    return hasValue ? 1 : 0;
  }
}
