package org.vectorscoring.opensearch.aggregation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.search.Query;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.KeywordFieldMapper;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.Rewriteable;
import org.opensearch.search.aggregations.AbstractAggregationBuilder;
import org.opensearch.search.aggregations.AggregationBuilder;
import org.opensearch.search.aggregations.AggregatorFactories;
import org.opensearch.search.aggregations.AggregatorFactory;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorParsing;
import org.vectorscoring.opensearch.VectorScoringSettings;
import org.vectorscoring.opensearch.mapper.DenseVectorFieldType;

/**
 * The {@code similarity_matrix} aggregation: parses and serialises the request, checks it against the mapping and
 * the node's {@code vector_scoring.matrix.max_size}. Rows are the top {@code size} documents of the bucket by score
 * (ties by key); columns are the rows, the top {@code columns.size} documents of {@code columns.filter}, or given vectors.
 */
public final class SimilarityMatrixAggregationBuilder extends AbstractAggregationBuilder<SimilarityMatrixAggregationBuilder> {

  public static final String NAME = "similarity_matrix";
  public static final String ID_KEY = "_id";
  static final int DEFAULT_SIZE = 10;

  private String field;
  private int size = DEFAULT_SIZE;
  private String key = ID_KEY;
  private VectorSimilarity similarity;
  private QueryBuilder columnsFilter;
  private Integer columnsSize;
  private float[][] columnsVectors;

  public SimilarityMatrixAggregationBuilder(String name) {
    super(name);
  }

  private SimilarityMatrixAggregationBuilder(SimilarityMatrixAggregationBuilder clone, AggregatorFactories.Builder factories,
      Map<String, Object> metadata) {
    super(clone, factories, metadata);
    this.field = clone.field;
    this.size = clone.size;
    this.key = clone.key;
    this.similarity = clone.similarity;
    this.columnsFilter = clone.columnsFilter;
    this.columnsSize = clone.columnsSize;
    this.columnsVectors = clone.columnsVectors;
  }

  public SimilarityMatrixAggregationBuilder(StreamInput in) throws IOException {
    super(in);
    field = in.readString();
    size = in.readVInt();
    key = in.readString();
    String similarityName = in.readOptionalString();
    similarity = similarityName == null ? null : VectorSimilarity.fromName(similarityName);
    columnsFilter = in.readOptionalNamedWriteable(QueryBuilder.class);
    columnsSize = in.readOptionalVInt();
    if (in.readBoolean()) {
      columnsVectors = in.readArray(StreamInput::readFloatArray, float[][]::new);
    }
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    out.writeString(field);
    out.writeVInt(size);
    out.writeString(key);
    out.writeOptionalString(similarity == null ? null : similarity.externalName());
    out.writeOptionalNamedWriteable(columnsFilter);
    out.writeOptionalVInt(columnsSize);
    out.writeBoolean(columnsVectors != null);
    if (columnsVectors != null) {
      out.writeArray(StreamOutput::writeFloatArray, columnsVectors);
    }
  }

  public SimilarityMatrixAggregationBuilder field(String field) {
    this.field = field;
    return this;
  }

  public SimilarityMatrixAggregationBuilder size(int size) {
    if (size < 1) {
      throw new IllegalArgumentException(prefix() + "[size] must be at least [1], not [" + size + "]");
    }
    this.size = size;
    return this;
  }

  /** Labels rows and columns by {@code _id} (the default) or by the value of a keyword field. */
  public SimilarityMatrixAggregationBuilder key(String key) {
    this.key = Objects.requireNonNull(key);
    return this;
  }

  public SimilarityMatrixAggregationBuilder similarity(VectorSimilarity similarity) {
    this.similarity = similarity;
    return this;
  }

  /** Columns are the top {@code columns.size} documents this query matches, instead of the rows. */
  public SimilarityMatrixAggregationBuilder columnsFilter(QueryBuilder filter) {
    this.columnsFilter = filter;
    return this;
  }

  public SimilarityMatrixAggregationBuilder columnsSize(Integer columnsSize) {
    if (columnsSize != null && columnsSize < 1) {
      throw new IllegalArgumentException(prefix() + "[columns.size] must be at least [1], not [" + columnsSize + "]");
    }
    this.columnsSize = columnsSize;
    return this;
  }

  /** Columns are these vectors, labelled "0", "1", …, instead of the rows. */
  public SimilarityMatrixAggregationBuilder columnsVectors(float[][] vectors) {
    this.columnsVectors = vectors;
    return this;
  }

  public String field() {
    return field;
  }

  public int size() {
    return size;
  }

  public String key() {
    return key;
  }

  public VectorSimilarity similarity() {
    return similarity;
  }

  public QueryBuilder columnsFilter() {
    return columnsFilter;
  }

  public Integer columnsSize() {
    return columnsSize;
  }

  public float[][] columnsVectors() {
    return columnsVectors;
  }

  private String prefix() {
    return "[" + NAME + "] [" + name + "] ";
  }

  /**
   * Parses the body of a {@code similarity_matrix} object; every error names the parameter.
   *
   * @param maxSize this node's {@code vector_scoring.matrix.max_size}: given column vectors beyond it are counted, not read
   */
  public static SimilarityMatrixAggregationBuilder parse(String name, XContentParser parser, int maxSize) throws IOException {
    SimilarityMatrixAggregationBuilder builder = new SimilarityMatrixAggregationBuilder(name);
    String current = null;
    XContentParser.Token token;
    try {
      while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
        if (token == XContentParser.Token.FIELD_NAME) {
          current = parser.currentName();
        } else if ("columns".equals(current) && token == XContentParser.Token.START_OBJECT) {
          parseColumns(builder, parser, maxSize);
        } else if (token.isValue() == false) {
          throw new ParsingException(parser.getTokenLocation(), builder.prefix() + "does not support [" + current + "] as " + token);
        } else if ("field".equals(current)) {
          builder.field(parser.text());
        } else if ("size".equals(current)) {
          builder.size(intValue(parser, builder, "size"));
        } else if ("key".equals(current)) {
          builder.key(parser.text());
        } else if ("similarity".equals(current)) {
          builder.similarity(VectorSimilarity.fromName(parser.text()));
        } else {
          throw new ParsingException(parser.getTokenLocation(), builder.prefix() + "does not support [" + current + "]");
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ParsingException(parser.getTokenLocation(), e.getMessage().startsWith("[" + NAME + "]") ? e.getMessage()
          : builder.prefix() + e.getMessage(), e);
    }
    if (builder.field == null) {
      throw new ParsingException(parser.getTokenLocation(), builder.prefix() + "requires [field]");
    }
    return builder;
  }

  private static void parseColumns(SimilarityMatrixAggregationBuilder builder, XContentParser parser, int maxSize) throws IOException {
    String current = null;
    XContentParser.Token token;
    while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
      if (token == XContentParser.Token.FIELD_NAME) {
        current = parser.currentName();
      } else if ("filter".equals(current) && token == XContentParser.Token.START_OBJECT) {
        builder.columnsFilter(AbstractQueryBuilder.parseInnerQueryBuilder(parser));
      } else if ("size".equals(current) && token.isValue()) {
        builder.columnsSize(intValue(parser, builder, "columns.size"));
      } else if ("vectors".equals(current) && token == XContentParser.Token.START_ARRAY) {
        builder.columnsVectors(parseVectors(builder, parser, maxSize));
      } else {
        throw new ParsingException(parser.getTokenLocation(), builder.prefix() + "[columns] does not support [" + current + "]");
      }
    }
    if ((builder.columnsFilter == null) == (builder.columnsVectors == null)) {
      throw new ParsingException(parser.getTokenLocation(), builder.prefix() + "[columns] needs exactly one of [filter] or [vectors]");
    }
    if (builder.columnsVectors != null && builder.columnsSize != null) {
      throw new ParsingException(parser.getTokenLocation(), builder.prefix() + "[columns.size] goes with [columns.filter], not [columns.vectors]");
    }
  }

  /**
   * Reads given column vectors, at most {@code maxSize} of them: beyond that each is skipped unread and only counted, so
   * that the message can say how many there were while a huge list costs no memory.
   */
  private static float[][] parseVectors(SimilarityMatrixAggregationBuilder builder, XContentParser parser, int maxSize) throws IOException {
    List<float[]> vectors = new ArrayList<>();
    int count = 0;
    while (parser.nextToken() != XContentParser.Token.END_ARRAY) {
      if (count < maxSize) {
        String name = builder.prefix() + "[columns.vectors] [" + count + "]";
        vectors.add(VectorParsing.parse(parser, name, -1, VectorScoringSettings.DIMS_LIMIT));
      } else {
        parser.skipChildren();
      }
      count++;
    }
    if (count == 0) {
      throw new IllegalArgumentException(builder.prefix() + "[columns.vectors] is empty, give at least one vector");
    }
    builder.checkSize("columns.vectors", count, maxSize);
    return vectors.toArray(new float[0][]);
  }

  private static int intValue(XContentParser parser, SimilarityMatrixAggregationBuilder builder, String what) throws IOException {
    if (parser.currentToken() != XContentParser.Token.VALUE_NUMBER) {
      throw new ParsingException(parser.getTokenLocation(), builder.prefix() + "[" + what + "] must be a number");
    }
    // As a double: any JSON number reads as one, also those beyond a long, and a double holds every int exactly.
    double value = parser.doubleValue();
    if (value != Math.rint(value)) {
      throw new IllegalArgumentException(builder.prefix() + "[" + what + "] must be a whole number, not [" + parser.text() + "]");
    }
    if (value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(builder.prefix() + "[" + what + "] is [" + parser.text() + "], above any matrix this node allows");
    }
    if (value < 1) {
      throw new IllegalArgumentException(builder.prefix() + "[" + what + "] must be at least [1], not [" + parser.text() + "]");
    }
    return (int) value;
  }

  @Override
  protected XContentBuilder internalXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject();
    builder.field("field", field);
    builder.field("size", size);
    builder.field("key", key);
    if (similarity != null) {
      builder.field("similarity", similarity.externalName());
    }
    if (columnsFilter != null || columnsVectors != null) {
      builder.startObject("columns");
      if (columnsFilter != null) {
        builder.field("filter", columnsFilter);
      }
      if (columnsSize != null) {
        builder.field("size", columnsSize);
      }
      if (columnsVectors != null) {
        builder.startArray("vectors");
        for (float[] v : columnsVectors) {
          builder.value(v);
        }
        builder.endArray();
      }
      builder.endObject();
    }
    return builder.endObject();
  }

  @Override
  protected AggregationBuilder doRewrite(QueryRewriteContext context) throws IOException {
    if (columnsFilter == null) {
      return this;
    }
    QueryBuilder rewritten = Rewriteable.rewrite(columnsFilter, context);
    if (rewritten == columnsFilter) {
      return this;
    }
    return new SimilarityMatrixAggregationBuilder(this, factoriesBuilder, metadata).columnsFilter(rewritten);
  }

  @Override
  protected AggregatorFactory doBuild(QueryShardContext context, AggregatorFactory parent, AggregatorFactories.Builder subFactories)
      throws IOException {
    if (subFactories.count() > 0) {
      throw new IllegalArgumentException(prefix() + "cannot have sub-aggregations");
    }
    int maxSize = VectorScoringSettings.MATRIX_MAX_SIZE.get(context.getIndexSettings().getNodeSettings());
    checkSize("size", size, maxSize);
    int columns = columnsSize != null ? columnsSize : size;
    if (columnsFilter != null) {
      checkSize("columns.size", columns, maxSize);
    }
    if (columnsVectors != null) {
      checkSize("columns.vectors", columnsVectors.length, maxSize);
    }
    DenseVectorFieldType vectorType = DenseVectorFieldType.of(context.fieldMapper(field), field, prefix());
    String keyField = null;
    if (key.equals(ID_KEY) == false) {
      MappedFieldType keyType = context.fieldMapper(key);
      if (keyType instanceof KeywordFieldMapper.KeywordFieldType == false) {
        throw new IllegalArgumentException(prefix() + "[key] must be [_id] or a [keyword] field, and [" + key + "] is "
            + (keyType == null ? "not mapped" : "of type [" + keyType.typeName() + "]"));
      }
      if (keyType.hasDocValues() == false) {
        // Keys are read from doc values; without them Lucene fails on the shard with an IllegalStateException (a 500).
        throw new IllegalArgumentException(prefix() + "[key] field [" + key + "] needs doc values, and it is mapped "
            + "with [doc_values: false]");
      }
      keyField = keyType.name();
    }
    if (columnsVectors != null) {
      for (int i = 0; i < columnsVectors.length; i++) {
        if (columnsVectors[i].length != vectorType.dims()) {
          throw new IllegalArgumentException(prefix() + "[columns.vectors] [" + i + "] has [" + columnsVectors[i].length
              + "] dimensions, but [" + field + "] has [" + vectorType.dims() + "]");
        }
      }
    }
    Query columnsQuery = columnsFilter == null ? null : columnsFilter.toQuery(context);
    MatrixRequest request = new MatrixRequest(vectorType, keyField, similarity != null ? similarity : vectorType.similarity(), size,
        columnsQuery, columns, columnsVectors);
    return new SimilarityMatrixAggregatorFactory(name, request, context, parent, subFactories, metadata);
  }

  private void checkSize(String what, int value, int maxSize) {
    if (value > maxSize) {
      throw new IllegalArgumentException(prefix() + "[" + what + "] is [" + value + "], above [" + VectorScoringSettings.MATRIX_MAX_SIZE.getKey()
          + "] of [" + maxSize + "]; ask for fewer rows or raise the node setting");
    }
  }

  @Override
  protected AggregationBuilder shallowCopy(AggregatorFactories.Builder factoriesBuilder, Map<String, Object> metadata) {
    return new SimilarityMatrixAggregationBuilder(this, factoriesBuilder, metadata);
  }

  @Override
  public BucketCardinality bucketCardinality() {
    return BucketCardinality.NONE;
  }

  @Override
  public String getType() {
    return NAME;
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), field, size, key, similarity, columnsFilter, columnsSize, Arrays.deepHashCode(columnsVectors));
  }

  @Override
  public boolean equals(Object obj) {
    if (super.equals(obj) == false) {
      return false;
    }
    SimilarityMatrixAggregationBuilder other = (SimilarityMatrixAggregationBuilder) obj;
    return Objects.equals(field, other.field) && size == other.size && key.equals(other.key) && similarity == other.similarity
        && Objects.equals(columnsFilter, other.columnsFilter) && Objects.equals(columnsSize, other.columnsSize)
        && Arrays.deepEquals(columnsVectors, other.columnsVectors);
  }
}
