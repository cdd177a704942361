package org.vectorscoring.lucene;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.DocValuesProducer;
import org.apache.lucene.codecs.lucene90.IndexedDISI;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.DocValuesSkipper;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.RandomAccessInput;
import org.apache.lucene.util.IOUtils;

/** Reads {@link DenseVectorDocValuesFormat}: the metadata once, the values where they lie in the data file. */
final class DenseVectorDocValuesReader extends DocValuesProducer {

  /** Where one field's values are: {@code disiOffset} -1 when every document has a value, {@code addresses} -1 at a fixed length. */
  private record Field(int count, int maxLength, long dataOffset, long dataLength, long disiOffset,
      long disiLength, short jumpTableEntryCount, byte denseRankPower, long addresses) {}

  private final Map<Integer, Field> fields = new HashMap<>();
  private final int maxDoc;
  private final IndexInput data;

  DenseVectorDocValuesReader(SegmentReadState state) throws IOException {
    maxDoc = state.segmentInfo.maxDoc();
    String metaName = IndexFileNames.segmentFileName(state.segmentInfo.name, state.segmentSuffix, DenseVectorDocValuesFormat.META_EXTENSION);
    int version = -1;
    try (ChecksumIndexInput meta = state.directory.openChecksumInput(metaName)) {
      Throwable priorE = null;
      try {
        version = CodecUtil.checkIndexHeader(meta, DenseVectorDocValuesFormat.META_CODEC, DenseVectorDocValuesFormat.VERSION_START,
            DenseVectorDocValuesFormat.VERSION_CURRENT, state.segmentInfo.getId(), state.segmentSuffix);
        readFields(meta, state);
      } catch (Throwable t) {
        priorE = t;
      } finally {
        CodecUtil.checkFooter(meta, priorE);
      }
    }
    String dataName = IndexFileNames.segmentFileName(state.segmentInfo.name, state.segmentSuffix, DenseVectorDocValuesFormat.DATA_EXTENSION);
    data = state.directory.openInput(dataName, state.context);
    boolean success = false;
    try {
      int dataVersion = CodecUtil.checkIndexHeader(data, DenseVectorDocValuesFormat.DATA_CODEC, DenseVectorDocValuesFormat.VERSION_START,
          DenseVectorDocValuesFormat.VERSION_CURRENT, state.segmentInfo.getId(), state.segmentSuffix);
      if (dataVersion != version) {
        throw new CorruptIndexException("format versions mismatch: meta=" + version + ", data=" + dataVersion, data);
      }
      // Checks the footer's structure only; the whole file's checksum is checkIntegrity's (merges, CheckIndex).
      CodecUtil.retrieveChecksum(data);
      success = true;
    } finally {
      if (!success) {
        IOUtils.closeWhileHandlingException(data);
      }
    }
  }

  private void readFields(ChecksumIndexInput meta, SegmentReadState state) throws IOException {
    for (int number = meta.readInt(); number != -1; number = meta.readInt()) {
      FieldInfo info = state.fieldInfos.fieldInfo(number);
      if (info == null) {
        throw new CorruptIndexException("invalid field number: " + number, meta);
      }
      int count = meta.readInt();
      if (count == 0) {
        fields.put(number, new Field(0, 0, 0, 0, -1, 0, (short) -1, (byte) -1, -1));
        continue;
      }
      int minLength = meta.readInt();
      int maxLength = meta.readInt();
      long dataOffset = meta.readLong();
      long dataLength = meta.readLong();
      long disiOffset = -1;
      long disiLength = 0;
      short jumpTableEntryCount = -1;
      byte denseRankPower = -1;
      if (count < maxDoc) {
        disiOffset = meta.readLong();
        disiLength = meta.readLong();
        jumpTableEntryCount = meta.readShort();
        denseRankPower = meta.readByte();
      } else if (count > maxDoc) {
        throw new CorruptIndexException("field " + info.name + " has " + count + " values in " + maxDoc + " documents", meta);
      }
      long addresses = minLength == maxLength ? -1 : meta.readLong();
      fields.put(number, new Field(count, maxLength, dataOffset, dataLength, disiOffset, disiLength,
          jumpTableEntryCount, denseRankPower, addresses));
    }
  }

  @Override
  public BinaryDocValues getBinary(FieldInfo info) throws IOException {
    Field field = fields.get(info.number);
    if (field == null || field.count == 0) {
      return DocValues.emptyBinary();
    }
    IndexInput values = data.slice("dense-vector-values", field.dataOffset, field.dataLength);
    IndexedDISI disi = field.disiOffset == -1 ? null
        : new IndexedDISI(data, field.disiOffset, field.disiLength, field.jumpTableEntryCount, field.denseRankPower, field.count);
    RandomAccessInput addresses = field.addresses == -1 ? null
        : data.randomAccessSlice(field.addresses, (field.count + 1L) * Long.BYTES);
    return new StoredVectorDocValues(values, maxDoc, field.count, field.maxLength, disi, addresses);
  }

  @Override
  public NumericDocValues getNumeric(FieldInfo field) {
    throw onlyBinary(field);
  }

  @Override
  public SortedDocValues getSorted(FieldInfo field) {
    throw onlyBinary(field);
  }

  @Override
  public SortedNumericDocValues getSortedNumeric(FieldInfo field) {
    throw onlyBinary(field);
  }

  @Override
  public SortedSetDocValues getSortedSet(FieldInfo field) {
    throw onlyBinary(field);
  }

  private static UnsupportedOperationException onlyBinary(FieldInfo field) {
    return new UnsupportedOperationException("[" + field.name + "] " + DenseVectorDocValuesFormat.NAME + " holds binary doc values only");
  }

  @Override
  public DocValuesSkipper getSkipper(FieldInfo field) {
    return null;
  }

  @Override
  public void checkIntegrity() throws IOException {
    CodecUtil.checksumEntireFile(data);
  }

  @Override
  public void close() throws IOException {
    data.close();
  }
}
