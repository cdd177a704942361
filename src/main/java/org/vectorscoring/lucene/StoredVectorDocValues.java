package org.vectorscoring.lucene;

import java.io.IOException;
import org.apache.lucene.codecs.lucene90.IndexedDISI;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.RandomAccessInput;
import org.apache.lucene.util.BytesRef;
import org.vectorscoring.kernel.VectorKernel;

/**
 * One segment's values of a field in {@link DenseVectorDocValuesFormat}: the usual iterator and copying
 * {@link #binaryValue()}, plus where the current value lies, for {@link QueryVector} to score it in place.
 * One instance per consumer and thread, as any {@code BinaryDocValues}.
 */
final class StoredVectorDocValues extends BinaryDocValues {

  private final IndexInput values;
  private final int maxDoc;
  private final int count;
  private final int length;
  /** Null when every document has a value, so a document's ordinal is its number. */
  private final IndexedDISI disi;
  /** Null at a fixed length; otherwise value i spans [address(i), address(i + 1)). */
  private final RandomAccessInput addresses;
  private final BytesRef bytes;
  private int doc = -1;
  private VectorKernel mappedFor;
  private MappedVectors mapped;

  StoredVectorDocValues(IndexInput values, int maxDoc, int count, int maxLength, IndexedDISI disi, RandomAccessInput addresses) {
    this.values = values;
    this.maxDoc = maxDoc;
    this.count = count;
    this.length = maxLength;
    this.disi = disi;
    this.addresses = addresses;
    this.bytes = new BytesRef(new byte[maxLength], 0, 0);
  }

  @Override
  public int docID() {
    return disi == null ? doc : disi.docID();
  }

  @Override
  public int nextDoc() throws IOException {
    return advance(docID() + 1);
  }

  @Override
  public int advance(int target) throws IOException {
    if (disi != null) {
      return disi.advance(target);
    }
    return doc = target >= maxDoc ? NO_MORE_DOCS : target;
  }

  @Override
  public boolean advanceExact(int target) throws IOException {
    if (disi != null) {
      return disi.advanceExact(target);
    }
    doc = target;
    return true;
  }

  @Override
  public long cost() {
    return count;
  }

  @Override
  public BytesRef binaryValue() throws IOException {
    long offset = valueOffset();
    int valueLength = valueLength();
    values.seek(offset);
    values.readBytes(bytes.bytes, 0, valueLength);
    bytes.length = valueLength;
    return bytes;
  }

  private int ord() {
    return disi == null ? doc : disi.index();
  }

  /** Byte offset of the current value in the field's values. */
  long valueOffset() throws IOException {
    return addresses == null ? (long) ord() * length : addresses.readLong((long) ord() * Long.BYTES);
  }

  /** Length in bytes of the current value. */
  int valueLength() throws IOException {
    if (addresses == null) {
      return length;
    }
    long index = (long) ord() * Long.BYTES;
    return (int) (addresses.readLong(index + Long.BYTES) - addresses.readLong(index));
  }

  /** In-place access to the values for {@code kernel}, or null: values of differing lengths, or see {@link MappedVectors#open}. */
  MappedVectors mapped(VectorKernel kernel) {
    if (kernel != mappedFor) {
      mappedFor = kernel;
      mapped = addresses == null ? MappedVectors.open(values, kernel) : null;
    }
    return mapped;
  }
}
