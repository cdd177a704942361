package org.vectorscoring.opensearch.mapper;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;
import org.opensearch.index.mapper.FieldMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.DenseVectorField;
import org.vectorscoring.lucene.VectorSimilarity;

/**
 * The {@code dense_vector} field: one vector of exactly {@code dims} finite numbers per document, stored with its
 * L2 norm in binary doc values for exact scoring. A bad value rejects the whole document with a message that
 * names the field and the problem.
 */
public final class DenseVectorFieldMapper extends ParametrizedFieldMapper {

  public static final String CONTENT_TYPE = "dense_vector";

  private static DenseVectorFieldMapper toType(FieldMapper in) {
    return (DenseVectorFieldMapper) in;
  }

  /** Builds the mapper from a mapping, checking {@code dims} against the node's limit. */
  public static final class Builder extends ParametrizedFieldMapper.Builder {

    private final Parameter<Integer> dims;
    private final Parameter<String> similarity = Parameter.restrictedStringParam("similarity", false,
        m -> toType(m).fieldType().similarity().externalName(), "cosine", "dot_product", "l2");
    private final Parameter<Map<String, String>> meta = Parameter.metaParam();
    private final VectorKernel kernel;
    private final int maxDims;

    public Builder(String name, VectorKernel kernel, int maxDims) {
      super(name);
      this.kernel = kernel;
      this.maxDims = maxDims;
      this.dims = Parameter.intParam("dims", false, m -> toType(m).fieldType().dims(), -1).setValidator(d -> {
        if (d == -1) {
          throw new MapperParsingException("[" + name + "] of type [" + CONTENT_TYPE + "] needs [dims], the number of dimensions");
        }
        if (d < 1 || d > maxDims) {
          throw new MapperParsingException("[" + name + "] [dims] must be between [1] and [" + maxDims + "], not [" + d + "]");
        }
      }).alwaysSerialize();
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
      DenseVectorFieldType type = new DenseVectorFieldType(buildFullName(context), dims.getValue(),
          VectorSimilarity.fromName(similarity.getValue()), kernel, meta.getValue());
      return new DenseVectorFieldMapper(name, type, multiFieldsBuilder.build(this, context), copyTo.build(), this);
    }
  }

  /** The parser OpenSearch calls for {@code "type": "dense_vector"}, bound to the node's kernel and dims limit. */
  public static TypeParser typeParser(VectorKernel kernel, int maxDims) {
    return new TypeParser((name, context) -> new Builder(name, kernel, maxDims));
  }

  private final VectorKernel kernel;
  private final int maxDims;

  private DenseVectorFieldMapper(String simpleName, DenseVectorFieldType type, MultiFields multiFields, CopyTo copyTo,
      Builder builder) {
    super(simpleName, type, multiFields, copyTo);
    this.kernel = builder.kernel;
    this.maxDims = builder.maxDims;
  }

  @Override
  public DenseVectorFieldType fieldType() {
    return (DenseVectorFieldType) super.fieldType();
  }

  @Override
  public ParametrizedFieldMapper.Builder getMergeBuilder() {
    return new Builder(simpleName(), kernel, maxDims).init(this);
  }

  @Override
  protected String contentType() {
    return CONTENT_TYPE;
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
    float[] vector = parseVector(parser, field, fieldType().dims());
    context.doc().addWithKey(field, new DenseVectorField(field, vector));
  }

  /** Reads exactly {@code dims} finite numbers from a JSON array, or throws naming the problem. */
  static float[] parseVector(XContentParser parser, String field, int dims) throws IOException {
    Token token = parser.currentToken();
    if (token != Token.START_ARRAY) {
      throw new MapperParsingException("[" + field + "] expects an array of [" + dims + "] numbers, not " + describe(token));
    }
    float[] vector = new float[dims];
    int count = 0;
    while ((token = parser.nextToken()) != Token.END_ARRAY) {
      if (token == Token.START_ARRAY) {
        throw new MapperParsingException("[" + field + "] takes one vector of numbers per document, but element [" + count
            + "] is an array");
      }
      if (token != Token.VALUE_NUMBER) {
        throw new MapperParsingException("[" + field + "] element [" + count + "] is " + describe(token) + ", expected a number");
      }
      if (count < dims) {
        double value = parser.doubleValue();
        float f = (float) value;
        if (Float.isFinite(f) == false) {
          throw new MapperParsingException("[" + field + "] element [" + count + "] is [" + value + "], "
              + (Double.isFinite(value) ? "outside the range of a float" : "vectors take finite numbers only"));
        }
        vector[count] = f;
      }
      count++;
    }
    if (count != dims) {
      throw new MapperParsingException("[" + field + "] expects a vector of [" + dims + "] dimensions, not [" + count + "]");
    }
    return vector;
  }

  private static String describe(Token token) {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_BOOLEAN -> "a boolean";
      case VALUE_NULL -> "null";
      case VALUE_NUMBER -> "a number";
      default -> "[" + token + "]";
    };
  }
}
