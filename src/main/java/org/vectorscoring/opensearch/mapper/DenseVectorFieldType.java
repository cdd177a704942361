package org.vectorscoring.opensearch.mapper;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.lucene.search.Query;
import org.opensearch.index.fielddata.IndexFieldData;
import org.opensearch.index.mapper.ArraySourceValueFetcher;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.opensearch.search.lookup.SearchLookup;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.QueryVector;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.stats.VectorScoringStats;

/**
 * What the rest of OpenSearch knows of a {@code dense_vector} field: its dimensions, default similarity and the
 * node's kernel. It is not searchable by terms; {@code exists} works through its doc values.
 */
public final class DenseVectorFieldType extends MappedFieldType {

  private final int dims;
  private final VectorSimilarity similarity;
  private final VectorKernel kernel;
  private final VectorScoringStats stats;

  public DenseVectorFieldType(String name, int dims, VectorSimilarity similarity, VectorKernel kernel, VectorScoringStats stats,
      Map<String, String> meta) {
    super(name, false, false, true, TextSearchInfo.NONE, meta);
    this.dims = dims;
    this.similarity = similarity;
    this.kernel = kernel;
    this.stats = stats;
  }

  /**
   * The mapping of {@code field} as a vector field.
   *
   * @param prefix what to start the message with, naming the request part, e.g. {@code [vector_similarity] }
   * @throws IllegalArgumentException when the field is unmapped or not a {@code dense_vector}
   */
  public static DenseVectorFieldType of(MappedFieldType type, String field, String prefix) {
    if (type == null) {
      throw new IllegalArgumentException(prefix + "field [" + field + "] does not exist in the mapping of this index");
    }
    if (type instanceof DenseVectorFieldType vectorType) {
      return vectorType;
    }
    throw new IllegalArgumentException(prefix + "field [" + field + "] is of type [" + type.typeName()
        + "], but only [dense_vector] fields can be scored by vector similarity");
  }

  public int dims() {
    return dims;
  }

  public VectorSimilarity similarity() {
    return similarity;
  }

  public VectorKernel kernel() {
    return kernel;
  }

  /** The node's counters, which queries and scripts on this field add to. */
  public VectorScoringStats stats() {
    return stats;
  }

  @Override
  public String typeName() {
    return DenseVectorFieldMapper.CONTENT_TYPE;
  }

  /**
   * A query vector for this field, checked against its dimensions.
   *
   * @param similarity the similarity to score by, or null for the field's
   * @throws IllegalArgumentException naming the field when the length differs from {@code dims}, an element is not
   *     finite, or the vector is zero with cosine
   */
  public QueryVector queryVector(float[] vector, VectorSimilarity similarity) {
    if (vector.length != dims) {
      throw new IllegalArgumentException("[" + name() + "] has [" + dims + "] dimensions, but the query vector has [" + vector.length + "]");
    }
    return new QueryVector(name(), vector, similarity == null ? this.similarity : similarity, kernel, stats.documentsScoredCounter());
  }

  @Override
  public ValueFetcher valueFetcher(QueryShardContext context, SearchLookup searchLookup, String format) {
    if (format != null) {
      throw new IllegalArgumentException("Field [" + name() + "] of type [" + typeName() + "] doesn't support formats.");
    }
    return new ArraySourceValueFetcher(name(), context) {
      @Override
      protected Object parseSourceValue(Object value) {
        return (List<?>) value;
      }
    };
  }

  @Override
  public IndexFieldData.Builder fielddataBuilder(String fullyQualifiedIndexName, Supplier<SearchLookup> searchLookup) {
    return (cache, breakerService) -> new DenseVectorIndexFieldData(this);
  }

  @Override
  public Query termQuery(Object value, QueryShardContext context) {
    throw new QueryShardException(context, "[" + name() + "] of type [" + typeName()
        + "] cannot be searched by term; score by it with a [vector_similarity] query");
  }
}
