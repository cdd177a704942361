package org.vectorscoring.opensearch.query;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.InnerHitContextBuilder;
import org.opensearch.index.query.MatchNoneQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilderVisitor;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.vectorscoring.lucene.QueryVector;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.lucene.VectorSimilarityQuery;
import org.vectorscoring.opensearch.VectorParsing;
import org.vectorscoring.opensearch.VectorScoringSettings;
import org.vectorscoring.opensearch.mapper.DenseVectorFieldType;

/**
 * The {@code vector_similarity} query: parses and serialises the request, then builds a {@link VectorSimilarityQuery}
 * against the field's stored vectors. Exact, over every document the optional filter matches.
 */
public final class VectorSimilarityQueryBuilder extends AbstractQueryBuilder<VectorSimilarityQueryBuilder> {

  public static final String NAME = "vector_similarity";

  static final ParseField FIELD = new ParseField("field");
  static final ParseField QUERY_VECTOR = new ParseField("query_vector");
  static final ParseField SIMILARITY = new ParseField("similarity");
  static final ParseField FILTER = new ParseField("filter");
  static final ParseField MIN_SIMILARITY = new ParseField("min_similarity");
  static final ParseField IGNORE_UNMAPPED = new ParseField("ignore_unmapped");

  private final String field;
  private final float[] queryVector;
  private VectorSimilarity similarity;
  private QueryBuilder filter;
  private Float minSimilarity;
  private boolean ignoreUnmapped;

  public VectorSimilarityQueryBuilder(String field, float[] queryVector) {
    if (field == null || field.isEmpty()) {
      throw new IllegalArgumentException("[" + NAME + "] requires [field]");
    }
    if (queryVector == null || queryVector.length == 0) {
      throw new IllegalArgumentException("[" + NAME + "] requires a non-empty [query_vector]");
    }
    this.field = field;
    this.queryVector = queryVector.clone();
  }

  public VectorSimilarityQueryBuilder(StreamInput in) throws IOException {
    super(in);
    this.field = in.readString();
    this.queryVector = in.readFloatArray();
    String similarityName = in.readOptionalString();
    this.similarity = similarityName == null ? null : VectorSimilarity.fromName(similarityName);
    this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
    this.minSimilarity = in.readOptionalFloat();
    this.ignoreUnmapped = in.readBoolean();
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    out.writeString(field);
    out.writeFloatArray(queryVector);
    out.writeOptionalString(similarity == null ? null : similarity.externalName());
    out.writeOptionalNamedWriteable(filter);
    out.writeOptionalFloat(minSimilarity);
    out.writeBoolean(ignoreUnmapped);
  }

  /** Scores by this similarity instead of the field's. */
  public VectorSimilarityQueryBuilder similarity(VectorSimilarity similarity) {
    this.similarity = similarity;
    return this;
  }

  /**
   * Scores only the documents this query matches. (Not {@code filter(QueryBuilder)}: that one, inherited from
   * {@link QueryBuilder}, wraps the whole query in a {@code bool} filter.)
   */
  public VectorSimilarityQueryBuilder filterQuery(QueryBuilder filter) {
    this.filter = filter;
    return this;
  }

  /** Drops documents whose raw similarity is below this (for l2: whose distance is above it). */
  public VectorSimilarityQueryBuilder minSimilarity(Float minSimilarity) {
    if (minSimilarity != null && Float.isFinite(minSimilarity) == false) {
      throw new IllegalArgumentException("[" + NAME + "] [min_similarity] must be a finite number, not [" + minSimilarity + "]");
    }
    this.minSimilarity = minSimilarity;
    return this;
  }

  /** Whether a shard without the field matches nothing (true) or fails the request (false, the default). */
  public VectorSimilarityQueryBuilder ignoreUnmapped(boolean ignoreUnmapped) {
    this.ignoreUnmapped = ignoreUnmapped;
    return this;
  }

  public String field() {
    return field;
  }

  public float[] queryVector() {
    return queryVector.clone();
  }

  public VectorSimilarity similarity() {
    return similarity;
  }

  public QueryBuilder filterQuery() {
    return filter;
  }

  public Float minSimilarity() {
    return minSimilarity;
  }

  public boolean ignoreUnmapped() {
    return ignoreUnmapped;
  }

  @Override
  public String getWriteableName() {
    return NAME;
  }

  @Override
  protected void doXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject(NAME);
    builder.field(FIELD.getPreferredName(), field);
    builder.array(QUERY_VECTOR.getPreferredName(), queryVector);
    if (similarity != null) {
      builder.field(SIMILARITY.getPreferredName(), similarity.externalName());
    }
    if (filter != null) {
      builder.field(FILTER.getPreferredName(), filter);
    }
    if (minSimilarity != null) {
      builder.field(MIN_SIMILARITY.getPreferredName(), minSimilarity);
    }
    if (ignoreUnmapped) {
      builder.field(IGNORE_UNMAPPED.getPreferredName(), true);
    }
    printBoostAndQueryName(builder);
    builder.endObject();
  }

  /** Parses the body of a {@code vector_similarity} object, naming the parameter in every error. */
  public static VectorSimilarityQueryBuilder fromXContent(XContentParser parser) throws IOException {
    String field = null;
    float[] vector = null;
    VectorSimilarity similarity = null;
    QueryBuilder filter = null;
    Float minSimilarity = null;
    boolean ignoreUnmapped = false;
    float boost = DEFAULT_BOOST;
    String queryName = null;
    String current = null;
    XContentParser.Token token;
    while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
      if (token == XContentParser.Token.FIELD_NAME) {
        current = parser.currentName();
      } else if (QUERY_VECTOR.match(current, parser.getDeprecationHandler())) {
        try {
          vector = VectorParsing.parse(parser, "[" + NAME + "] [query_vector]", -1, VectorScoringSettings.DIMS_LIMIT);
        } catch (IllegalArgumentException e) {
          throw new ParsingException(parser.getTokenLocation(), e.getMessage());
        }
      } else if (FILTER.match(current, parser.getDeprecationHandler())) {
        if (token != XContentParser.Token.START_OBJECT) {
          throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] [filter] must be a query object");
        }
        filter = parseInnerQueryBuilder(parser);
      } else if (token.isValue() == false) {
        throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] does not support [" + current + "] as " + token);
      } else if (FIELD.match(current, parser.getDeprecationHandler())) {
        field = parser.text();
      } else if (SIMILARITY.match(current, parser.getDeprecationHandler())) {
        try {
          similarity = VectorSimilarity.fromName(parser.text());
        } catch (IllegalArgumentException e) {
          throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] [similarity]: " + e.getMessage());
        }
      } else if (MIN_SIMILARITY.match(current, parser.getDeprecationHandler())) {
        if (token != XContentParser.Token.VALUE_NUMBER) {
          throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] [min_similarity] must be a number");
        }
        minSimilarity = parser.floatValue();
      } else if (IGNORE_UNMAPPED.match(current, parser.getDeprecationHandler())) {
        try {
          ignoreUnmapped = parser.booleanValue();
        } catch (IllegalArgumentException e) {
          throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] [ignore_unmapped] must be true or false, not ["
              + parser.text() + "]");
        }
      } else if (BOOST_FIELD.match(current, parser.getDeprecationHandler())) {
        // A number, or a string holding one, as every OpenSearch query takes its boost.
        try {
          boost = parser.floatValue();
        } catch (IllegalArgumentException e) {
          throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] [boost] must be a number, not [" + parser.text() + "]");
        }
      } else if (NAME_FIELD.match(current, parser.getDeprecationHandler())) {
        queryName = parser.text();
      } else {
        throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] does not support [" + current + "]");
      }
    }
    if (field == null) {
      throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] requires [field]");
    }
    if (vector == null) {
      throw new ParsingException(parser.getTokenLocation(), "[" + NAME + "] requires [query_vector]");
    }
    try {
      return new VectorSimilarityQueryBuilder(field, vector).similarity(similarity)
          .filterQuery(filter)
          .minSimilarity(minSimilarity)
          .ignoreUnmapped(ignoreUnmapped)
          .boost(boost)
          .queryName(queryName);
    } catch (IllegalArgumentException e) {
      throw new ParsingException(parser.getTokenLocation(), e.getMessage());
    }
  }

  @Override
  protected Query doToQuery(QueryShardContext context) throws IOException {
    MappedFieldType type = context.fieldMapper(field);
    if (type == null && ignoreUnmapped) {
      return new MatchNoDocsQuery("field [" + field + "] is not mapped");
    }
    DenseVectorFieldType vectorType;
    QueryVector vector;
    try {
      vectorType = DenseVectorFieldType.of(type, field, "[" + NAME + "] ");
      vector = vectorType.queryVector(queryVector, similarity);
    } catch (IllegalArgumentException e) {
      throw new QueryShardException(context, e.getMessage().startsWith("[" + NAME + "]") ? e.getMessage() : "[" + NAME + "] " + e.getMessage());
    }
    Query filterQuery = filter == null ? null : filter.toQuery(context);
    // Counted when a searcher runs it, not here: a shard parses the query again for the fetch phase.
    return new VectorSimilarityQuery(vector, filterQuery, minSimilarity, vectorType.stats()::onQuery);
  }

  @Override
  protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
    if (filter == null) {
      return this;
    }
    QueryBuilder rewritten = filter.rewrite(context);
    if (rewritten instanceof MatchNoneQueryBuilder) {
      return rewritten;
    }
    if (rewritten != filter) {
      return new VectorSimilarityQueryBuilder(field, queryVector).similarity(similarity)
          .filterQuery(rewritten)
          .minSimilarity(minSimilarity)
          .ignoreUnmapped(ignoreUnmapped)
          .boost(boost)
          .queryName(queryName);
    }
    return this;
  }

  @Override
  protected void extractInnerHitBuilders(Map<String, InnerHitContextBuilder> innerHits) {
    if (filter != null) {
      InnerHitContextBuilder.extractInnerHits(filter, innerHits);
    }
  }

  @Override
  public void visit(QueryBuilderVisitor visitor) {
    visitor.accept(this);
    if (filter != null) {
      filter.visit(visitor.getChildVisitor(BooleanClause.Occur.FILTER));
    }
  }

  @Override
  protected boolean doEquals(VectorSimilarityQueryBuilder other) {
    return field.equals(other.field)
        && Arrays.equals(queryVector, other.queryVector)
        && similarity == other.similarity
        && Objects.equals(filter, other.filter)
        && Objects.equals(minSimilarity, other.minSimilarity)
        && ignoreUnmapped == other.ignoreUnmapped;
  }

  @Override
  protected int doHashCode() {
    return Objects.hash(field, Arrays.hashCode(queryVector), similarity, filter, minSimilarity, ignoreUnmapped);
  }
}
