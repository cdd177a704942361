package org.vectorscoring.opensearch.mapper;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.opensearch.common.Explicit;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;
import org.opensearch.index.mapper.FieldMapper;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.DenseVectorField;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorParsing;
import org.vectorscoring.opensearch.VectorScoringSettings;
import org.vectorscoring.opensearch.stats.VectorScoringStats;

/**
 * The {@code dense_vector} field: one vector of exactly {@code dims} finite numbers per document, stored with its
 * L2 norm in binary doc values for exact scoring. A bad value rejects the whole document with a message that
 * names the field and the problem.
 */
public final class DenseVectorFieldMapper extends ParametrizedFieldMapper {

  public static final String CONTENT_TYPE = "dense_vector";

  // Not a number anyone writes for dims, so every written value, -1 included, gets the range message.
  private static final int UNSET_DIMS = Integer.MIN_VALUE;

  private static final Explicit<Boolean> NEVER_IGNORE_MALFORMED = new Explicit<>(false, true);

  private static DenseVectorFieldMapper toType(FieldMapper in) {
    return (DenseVectorFieldMapper) in;
  }

  /**
   * Builds the mapper from a mapping, checking {@code dims} against the node's limit unless the index already has the
   * field at those dims (see {@link RecordedMapping}).
   */
  public static final class Builder extends ParametrizedFieldMapper.Builder {

    private final Parameter<Integer> dims;
    // Always shown by GET _mapping, default or not: which similarity scores a field is worth seeing.
    private final Parameter<String> similarity = Parameter.restrictedStringParam("similarity", false,
        m -> toType(m).fieldType().similarity().externalName(), "cosine", "dot_product", "l2").alwaysSerialize();
    private final Parameter<Map<String, String>> meta = Parameter.metaParam();
    private final VectorKernel kernel;
    private final VectorScoringStats stats;
    private final int maxDims;
    // Where to look for the mapping the index already has; null when there is none to look at.
    private final Mapper.TypeParser.ParserContext parserContext;
    // A merge combines two mappers whose dims were each checked when parsed, and dims cannot change in it.
    private final boolean merging;

    public Builder(String name, VectorKernel kernel, VectorScoringStats stats, int maxDims) {
      this(name, kernel, stats, maxDims, null, false);
    }

    private Builder(String name, VectorKernel kernel, VectorScoringStats stats, int maxDims,
        Mapper.TypeParser.ParserContext parserContext, boolean merging) {
      super(name);
      this.kernel = kernel;
      this.stats = stats;
      this.maxDims = maxDims;
      this.parserContext = parserContext;
      this.merging = merging;
      // Parsing checks the product's limit only; the node's, lower, needs the field's full path, known in build().
      this.dims = new Parameter<>("dims", false, () -> UNSET_DIMS, (n, c, o) -> parseDims(name, o, maxDims),
          m -> toType(m).fieldType().dims()).setValidator(d -> {
        if (d == UNSET_DIMS) {
          throw new MapperParsingException("[" + name + "] of type [" + CONTENT_TYPE + "] needs [dims], the number of dimensions");
        }
        if (d < 1 || d > VectorScoringSettings.DIMS_LIMIT) {
          throw dimsOutOfRange(name, maxDims, d);
        }
      }).alwaysSerialize();
    }

    /**
     * Reads {@code dims} as a whole number, written as a number or (as OpenSearch's own mapping parameters allow) a
     * string; anything else, or a number beyond an int, is named in the message instead of failing in a number parser.
     */
    private static int parseDims(String field, Object value, int maxDims) {
      double d = Double.NaN;
      if (value instanceof Number number) {
        d = number.doubleValue();
      } else if (value instanceof String text) {
        try {
          d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
          // named below
        }
      }
      if (d != Math.rint(d) || Double.isInfinite(d)) {
        throw new MapperParsingException("[" + field + "] [dims] must be a whole number, not [" + value + "]");
      }
      if (d < 1 || d > VectorScoringSettings.DIMS_LIMIT) {
        throw dimsOutOfRange(field, maxDims, value);
      }
      return (int) d;
    }

    private static MapperParsingException dimsOutOfRange(String field, int maxDims, Object dims) {
      return new MapperParsingException("[" + field + "] [dims] must be between [1] and [" + maxDims + "], not [" + dims + "]");
    }

    private void rejectMultiFields() {
      Set<String> multiFields = multiFieldsBuilder.getMapperBuilders().keySet();
      if (multiFields.isEmpty() == false) {
        throw new MapperParsingException("[" + name + "] of type [" + CONTENT_TYPE
            + "] cannot have multi-fields, but has " + new TreeSet<>(multiFields));
      }
    }

    public Builder dims(int dims) {
      this.dims.setValue(dims);
      return this;
    }

    public Builder similarity(VectorSimilarity similarity) {
      this.similarity.setValue(similarity.externalName());
      return this;
    }

    @Override
    protected List<Parameter<?>> getParameters() {
      return List.of(dims, similarity, meta);
    }

    @Override
    public DenseVectorFieldMapper build(BuilderContext context) {
      String fullName = buildFullName(context);
      if (merging == false && dims.getValue() > maxDims
          && RecordedMapping.hasVectorField(parserContext, fullName, dims.getValue()) == false) {
        throw dimsOutOfRange(name, maxDims, dims.getValue());
      }
      DenseVectorFieldType type = new DenseVectorFieldType(fullName, dims.getValue(),
          VectorSimilarity.fromName(similarity.getValue()), kernel, stats, meta.getValue());
      return new DenseVectorFieldMapper(name, type, multiFieldsBuilder.build(this, context), copyTo.build(), this);
    }
  }

  /**
   * The parser OpenSearch calls for {@code "type": "dense_vector"}, bound to the node's kernel, counters and dims
   * limit. It refuses multi-fields both ways: no other field type reads a vector, and no other field's value is one,
   * so either mapping would fail every document with a message about the other field.
   */
  public static Mapper.TypeParser typeParser(VectorKernel kernel, VectorScoringStats stats, int maxDims) {
    return (name, node, context) -> {
      if (context.isWithinMultiField()) {
        throw new MapperParsingException("[" + name + "] of type [" + CONTENT_TYPE
            + "] cannot be a multi-field; map it as a field of its own");
      }
      Builder builder = new Builder(name, kernel, stats, maxDims, context, false);
      builder.parse(name, context, node);
      builder.rejectMultiFields();
      return builder;
    };
  }

  private final VectorKernel kernel;
  private final VectorScoringStats stats;
  private final int maxDims;

  private DenseVectorFieldMapper(String simpleName, DenseVectorFieldType type, MultiFields multiFields, CopyTo copyTo,
      Builder builder) {
    super(simpleName, type, multiFields, copyTo);
    this.kernel = builder.kernel;
    this.stats = builder.stats;
    this.maxDims = builder.maxDims;
  }

  @Override
  public DenseVectorFieldType fieldType() {
    return (DenseVectorFieldType) super.fieldType();
  }

  @Override
  public ParametrizedFieldMapper.Builder getMergeBuilder() {
    return new Builder(simpleName(), kernel, stats, maxDims, null, true).init(this);
  }

  @Override
  protected String contentType() {
    return CONTENT_TYPE;
  }

  /**
   * Never ignore a malformed vector, whatever {@code index.mapping.ignore_malformed} says (as Elasticsearch's
   * dense_vector): a dropped vector silently leaves the document out of every vector query, and after a nested
   * array the document parser would resume inside it and store the wrong vector.
   */
  @Override
  protected Explicit<Boolean> ignoreMalformed() {
    return NEVER_IGNORE_MALFORMED;
  }

  // The whole array is one value: the parser must not hand it over element by element.
  @Override
  public boolean parsesArrayValue() {
    return true;
  }

  @Override
  protected void parseCreateField(ParseContext context) throws IOException {
    XContentParser parser = context.parser();
    if (parser.currentToken() == Token.VALUE_NULL) {
      return;
    }
    String field = fieldType().name();
    if (context.doc().getByKey(field) != null) {
      throw new MapperParsingException("[" + field + "] takes one vector per document, but the document has more than one");
    }
    float[] vector;
    try {
      vector = VectorParsing.parse(parser, "[" + field + "]", fieldType().dims(), fieldType().dims());
    } catch (IllegalArgumentException e) {
      throw new MapperParsingException(e.getMessage());
    }
    context.doc().addWithKey(field, new DenseVectorField(field, vector));
  }
}
