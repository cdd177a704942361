package org.vectorscoring.lucene;

import java.io.IOException;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.DocValuesConsumer;
import org.apache.lucene.codecs.DocValuesProducer;
import org.apache.lucene.codecs.lucene90.IndexedDISI;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

/** Writes {@link DenseVectorDocValuesFormat}: per field, the values back to back, then which documents have one. */
final class DenseVectorDocValuesWriter extends DocValuesConsumer {

  private final int maxDoc;
  private IndexOutput data;
  private IndexOutput meta;

  DenseVectorDocValuesWriter(SegmentWriteState state) throws IOException {
    maxDoc = state.segmentInfo.maxDoc();
    boolean success = false;
    try {
      data = state.directory.createOutput(fileName(state, DenseVectorDocValuesFormat.DATA_EXTENSION), state.context);
      CodecUtil.writeIndexHeader(data, DenseVectorDocValuesFormat.DATA_CODEC, DenseVectorDocValuesFormat.VERSION_CURRENT,
          state.segmentInfo.getId(), state.segmentSuffix);
      meta = state.directory.createOutput(fileName(state, DenseVectorDocValuesFormat.META_EXTENSION), state.context);
      CodecUtil.writeIndexHeader(meta, DenseVectorDocValuesFormat.META_CODEC, DenseVectorDocValuesFormat.VERSION_CURRENT,
          state.segmentInfo.getId(), state.segmentSuffix);
      success = true;
    } finally {
      if (!success) {
        IOUtils.closeWhileHandlingException(this);
      }
    }
  }

  private static String fileName(SegmentWriteState state, String extension) {
    return IndexFileNames.segmentFileName(state.segmentInfo.name, state.segmentSuffix, extension);
  }

  @Override
  public void addBinaryField(FieldInfo field, DocValuesProducer producer) throws IOException {
    // One pass writes the values and measures them; the metadata, which needs the counts, follows.
    long start = data.alignFilePointer(DenseVectorDocValuesFormat.ALIGNMENT);
    int count = 0;
    int minLength = Integer.MAX_VALUE;
    int maxLength = 0;
    BinaryDocValues values = producer.getBinary(field);
    for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
      BytesRef value = values.binaryValue();
      data.writeBytes(value.bytes, value.offset, value.length);
      minLength = Math.min(minLength, value.length);
      maxLength = Math.max(maxLength, value.length);
      count++;
    }
    meta.writeInt(field.number);
    meta.writeInt(count);
    if (count == 0) {
      return;
    }
    meta.writeInt(minLength);
    meta.writeInt(maxLength);
    meta.writeLong(start);
    meta.writeLong(data.getFilePointer() - start);

    if (count < maxDoc) {
      long offset = data.getFilePointer();
      short jumpTableEntryCount = IndexedDISI.writeBitSet(producer.getBinary(field), data, IndexedDISI.DEFAULT_DENSE_RANK_POWER);
      meta.writeLong(offset);
      meta.writeLong(data.getFilePointer() - offset);
      meta.writeShort(jumpTableEntryCount);
      meta.writeByte(IndexedDISI.DEFAULT_DENSE_RANK_POWER);
    }

    if (minLength != maxLength) {
      // Not a vector field (all of a field's vectors have its dims), but still readable: value i spans
      // [address(i), address(i + 1)).
      long offset = data.alignFilePointer(Long.BYTES);
      long address = 0;
      data.writeLong(address);
      values = producer.getBinary(field);
      for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
        address += values.binaryValue().length;
        data.writeLong(address);
      }
      meta.writeLong(offset);
    }
  }

  @Override
  public void addNumericField(FieldInfo field, DocValuesProducer producer) {
    throw onlyBinary(field);
  }

  @Override
  public void addSortedField(FieldInfo field, DocValuesProducer producer) {
    throw onlyBinary(field);
  }

  @Override
  public void addSortedNumericField(FieldInfo field, DocValuesProducer producer) {
    throw onlyBinary(field);
  }

  @Override
  public void addSortedSetField(FieldInfo field, DocValuesProducer producer) {
    throw onlyBinary(field);
  }

  private static UnsupportedOperationException onlyBinary(FieldInfo field) {
    return new UnsupportedOperationException("[" + field.name + "] " + DenseVectorDocValuesFormat.NAME
        + " stores binary doc values only, not " + field.getDocValuesType());
  }

  @Override
  public void close() throws IOException {
    boolean success = false;
    try {
      if (meta != null) {
        meta.writeInt(-1);
        CodecUtil.writeFooter(meta);
      }
      if (data != null) {
        CodecUtil.writeFooter(data);
      }
      success = true;
    } finally {
      if (success) {
        IOUtils.close(data, meta);
      } else {
        IOUtils.closeWhileHandlingException(data, meta);
      }
      data = meta = null;
    }
  }
}
