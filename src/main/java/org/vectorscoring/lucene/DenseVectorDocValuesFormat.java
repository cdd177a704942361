package org.vectorscoring.lucene;

import java.io.IOException;
import org.apache.lucene.codecs.DocValuesConsumer;
import org.apache.lucene.codecs.DocValuesFormat;
import org.apache.lucene.codecs.DocValuesProducer;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * A doc values format for the binary doc values of vector fields: each field's values lie back to back in document
 * order, at a fixed stride and 64-byte aligned, so scoring can read a vector where the file is mapped instead of copying
 * it out first ({@link MappedVectors}). Values are the same bytes as in Lucene's default format and read through the
 * ordinary {@code BinaryDocValues} API too; fields whose values differ in length also work, through an address table,
 * and are always copied.
 *
 * <p>Binary doc values only. {@link DenseVectorCodec} selects it for vector fields; segments record it by name
 * ({@value #NAME}), so any codec reads them back as long as this class is on the classpath.
 */
public final class DenseVectorDocValuesFormat extends DocValuesFormat {

  /** The name segments record, and this format's SPI name. */
  public static final String NAME = "DenseVectorDocValues";

  static final String DATA_CODEC = "DenseVectorDocValuesData";
  static final String META_CODEC = "DenseVectorDocValuesMeta";
  static final String DATA_EXTENSION = "dvvd";
  static final String META_EXTENSION = "dvvm";
  static final int VERSION_START = 0;
  static final int VERSION_CURRENT = VERSION_START;
  /** Where each field's values start in the data file: a cache line, so a vector's floats never straddle one needlessly. */
  static final int ALIGNMENT = 64;

  public DenseVectorDocValuesFormat() {
    super(NAME);
  }

  @Override
  public DocValuesConsumer fieldsConsumer(SegmentWriteState state) throws IOException {
    return new DenseVectorDocValuesWriter(state);
  }

  @Override
  public DocValuesProducer fieldsProducer(SegmentReadState state) throws IOException {
    return new DenseVectorDocValuesReader(state);
  }
}
