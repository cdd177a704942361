package org.vectorscoring.opensearch.mapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.SortField;
import org.opensearch.common.util.BigArrays;
import org.opensearch.index.fielddata.IndexFieldData;
import org.opensearch.index.fielddata.LeafFieldData;
import org.opensearch.index.fielddata.ScriptDocValues;
import org.opensearch.index.fielddata.SortedBinaryDocValues;
import org.opensearch.search.DocValueFormat;
import org.opensearch.search.MultiValueMode;
import org.opensearch.search.aggregations.support.CoreValuesSourceType;
import org.opensearch.search.aggregations.support.ValuesSourceType;
import org.opensearch.search.sort.BucketedSort;
import org.opensearch.search.sort.SortOrder;

/**
 * Gives scripts ({@code doc['field']}, the Painless functions) the stored vectors, straight from doc values with
 * nothing cached. Vectors cannot be sorted or aggregated on; those requests get a message saying so.
 */
public final class DenseVectorIndexFieldData implements IndexFieldData<DenseVectorIndexFieldData.Leaf> {

  private final DenseVectorFieldType fieldType;

  DenseVectorIndexFieldData(DenseVectorFieldType fieldType) {
    this.fieldType = fieldType;
  }

  @Override
  public String getFieldName() {
    return fieldType.name();
  }

  @Override
  public ValuesSourceType getValuesSourceType() {
    return CoreValuesSourceType.BYTES;
  }

  @Override
  public Leaf load(LeafReaderContext context) {
    return new Leaf(context);
  }

  @Override
  public Leaf loadDirect(LeafReaderContext context) {
    return load(context);
  }

  @Override
  public SortField sortField(Object missingValue, MultiValueMode sortMode, XFieldComparatorSource.Nested nested, boolean reverse) {
    throw unsupported("sorting");
  }

  @Override
  public BucketedSort newBucketedSort(BigArrays bigArrays, Object missingValue, MultiValueMode sortMode, XFieldComparatorSource.Nested nested,
      SortOrder sortOrder, DocValueFormat format, int bucketSize, BucketedSort.ExtraData extra) {
    throw unsupported("sorting");
  }

  private IllegalArgumentException unsupported(String what) {
    return new IllegalArgumentException("[" + fieldType.name() + "] of type [dense_vector] does not support " + what);
  }

  /** One segment's vectors. */
  public final class Leaf implements LeafFieldData {
    private final LeafReaderContext context;

    Leaf(LeafReaderContext context) {
      this.context = context;
    }

    @Override
    public ScriptDocValues<?> getScriptValues() {
      try {
        return new DenseVectorScriptDocValues(context.reader().getBinaryDocValues(fieldType.name()), fieldType);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public SortedBinaryDocValues getBytesValues() {
      throw unsupported("aggregations or doc value fields");
    }

    @Override
    public long ramBytesUsed() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
