package org.vectorscoring.opensearch.mapper;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.common.compress.CompressedXContent;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.mapper.DocumentMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.mapper.MapperService.MergeReason;
import org.opensearch.index.mapper.MapperTestCase;
import org.opensearch.index.mapper.ParsedDocument;
import org.opensearch.index.mapper.SourceToParse;
import org.opensearch.plugins.Plugin;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.StoredVectorFormat;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorScoringPlugin;

/** The mapper through OpenSearch's own mapper test base, plus every rejection of contract §1 with its message. */
public class DenseVectorFieldMapperTests extends MapperTestCase {

  @Override
  protected Collection<? extends Plugin> getPlugins() {
    return List.of(new VectorScoringPlugin(Settings.builder().put("vector_scoring.max_dims", 2048).build()));
  }

  // With the similarity: GET _mapping always shows it, so that is how the minimal mapping reads back.
  @Override
  protected void minimalMapping(XContentBuilder b) throws IOException {
    b.field("type", "dense_vector").field("dims", 4).field("similarity", "cosine");
  }

  @Override
  protected void writeFieldValue(XContentBuilder b) throws IOException {
    b.startArray().value(0.5f).value(-1f).value(2f).value(0f).endArray();
  }

  @Override
  protected void registerParameters(ParameterChecker checker) throws IOException {
    checker.registerConflictCheck("dims", fieldMapping(this::minimalMapping),
        fieldMapping(b -> b.field("type", "dense_vector").field("dims", 5)));
    checker.registerConflictCheck("similarity", fieldMapping(this::minimalMapping),
        fieldMapping(b -> b.field("type", "dense_vector").field("dims", 4).field("similarity", "l2")));
  }

  @Override
  protected boolean supportsOrIgnoresBoost() {
    return false;
  }

  public void testStoresTheVectorAndItsNorm() throws IOException {
    int dims = 1 + random().nextInt(2048);
    float[] vector = new float[dims];
    for (int i = 0; i < dims; i++) {
      vector[i] = randomFloat() * 2 - 1;
    }
    DocumentMapper mapper = createDocumentMapper(fieldMapping(b -> b.field("type", "dense_vector").field("dims", dims)));
    ParsedDocument doc = mapper.parse(source(b -> b.field("field", vector)));
    IndexableField[] fields = doc.rootDoc().getFields("field");
    assertEquals(1, fields.length);
    BytesRef stored = fields[0].binaryValue();
    assertArrayEquals(vector, StoredVectorFormat.decode(stored), 0f);
    assertEquals(VectorKernel.norm(vector), StoredVectorFormat.norm(stored, dims), 0f);
  }

  public void testMappingDefaultsAndExplicitSimilarity() throws IOException {
    MapperService service = createMapperService(fieldMapping(this::minimalMapping));
    DenseVectorFieldType type = (DenseVectorFieldType) service.fieldType("field");
    assertEquals(4, type.dims());
    assertEquals(VectorSimilarity.COSINE, type.similarity());
    for (VectorSimilarity similarity : VectorSimilarity.values()) {
      XContentBuilder mapping = fieldMapping(b -> b.field("type", "dense_vector").field("dims", 3).field("similarity", similarity.externalName()));
      service = createMapperService(mapping);
      assertEquals(similarity, ((DenseVectorFieldType) service.fieldType("field")).similarity());
      assertEquals(mapping.toString(), service.documentMapper().mappingSource().toString());
    }
    // The default similarity is shown even when the mapping left it out.
    service = createMapperService(fieldMapping(b -> b.field("type", "dense_vector").field("dims", 3)));
    assertEquals(fieldMapping(b -> b.field("type", "dense_vector").field("dims", 3).field("similarity", "cosine")).toString(),
        service.documentMapper().mappingSource().toString());
    {
    }
  }

  public void testNullAndMissingValuesIndexNothing() throws IOException {
    DocumentMapper mapper = createDocumentMapper(fieldMapping(this::minimalMapping));
    assertEquals(0, mapper.parse(source(b -> b.nullField("field"))).rootDoc().getFields("field").length);
    assertEquals(0, mapper.parse(source(b -> b.field("other", 1))).rootDoc().getFields("field").length);
  }

  public void testRejectedValues() throws IOException {
    assertRejectsEveryBadValue(createDocumentMapper(fieldMapping(this::minimalMapping)));
  }

  // dense_vector has no ignore_malformed (nor has Elasticsearch's): the index-wide default must not drop bad vectors.
  public void testRejectedValuesWithIgnoreMalformedIndexSetting() throws IOException {
    Settings ignoreMalformed = Settings.builder().put("index.mapping.ignore_malformed", true).build();
    assertRejectsEveryBadValue(createDocumentMapper(ignoreMalformed, fieldMapping(this::minimalMapping)));
    // Once swallowed, parsing resumed inside the array and stored the second vector as the field's value.
    DocumentMapper twoDims =
        createDocumentMapper(ignoreMalformed, fieldMapping(b -> b.field("type", "dense_vector").field("dims", 2)));
    assertRejected(twoDims, "[[1, 2], [3, 4]]", "[field] takes one vector of numbers, but element [0] is an array");
    assertRejected(twoDims, "[1, 2, 3]", "[field] expects a vector of [2] dimensions, not [3]");
  }

  private static void assertRejectsEveryBadValue(DocumentMapper mapper) {
    assertRejected(mapper, "[1, 2, 3]", "[field] expects a vector of [4] dimensions, not [3]");
    assertRejected(mapper, "[1, 2, 3, 4, 5]", "[field] expects a vector of [4] dimensions, not [5]");
    assertRejected(mapper, "[]", "[field] expects a vector of [4] dimensions, not [0]");
    assertRejected(mapper, "[1, 2, \"NaN\", 4]", "[field] element [2] is a string, expected a number");
    assertRejected(mapper, "[1, 2, \"3\", 4]", "[field] element [2] is a string, expected a number");
    assertRejected(mapper, "[1, true, 3, 4]", "[field] element [1] is a boolean, expected a number");
    assertRejected(mapper, "[1, null, 3, 4]", "[field] element [1] is null, expected a number");
    assertRejected(mapper, "[1, 2, 3, 1e39]", "[field] element [3] is [1.0E39], outside the range of a float");
    assertRejected(mapper, "[3e38, 3e38, 0, 0]", "[field] has an L2 norm of [4.2426406948942856E38], "
        + "above [4.611686018427388E18], the most a vector may have for its similarities to stay within the float "
        + "range");
    assertRejected(mapper, "[[1, 2, 3, 4]]", "[field] takes one vector of numbers, but element [0] is an array");
    assertRejected(mapper, "[[1, 2, 3, 4], [5, 6, 7, 8]]", "[field] takes one vector of numbers, but element [0] is an array");
    assertRejected(mapper, "[1, 2, {\"a\": 1}, 4]", "[field] element [2] is an object, expected a number");
    assertRejected(mapper, "{\"a\": [1, 2, 3, 4]}", "[field] expects an array of [4] numbers, not an object");
    assertRejected(mapper, "\"1,2,3,4\"", "[field] expects an array of [4] numbers, not a string");
    assertRejected(mapper, "42", "[field] expects an array of [4] numbers, not a number");
  }

  public void testNonFiniteNumbersAreRejected() throws IOException {
    // JSON has no NaN, but binary formats (CBOR, SMILE) and lenient clients can send one.
    DocumentMapper mapper = createDocumentMapper(fieldMapping(this::minimalMapping));
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      XContentBuilder cbor = XContentFactory.cborBuilder().startObject().field("field", new float[] {1, bad, 3, 4}).endObject();
      MapperParsingException e = expectThrows(MapperParsingException.class,
          () -> mapper.parse(new SourceToParse("test", "1", BytesReference.bytes(cbor), XContentType.CBOR)));
      assertEquals("[field] element [1] is [" + (double) bad + "], vectors take finite numbers only", e.getCause().getMessage());
    }
  }

  public void testJsonNaNLiteralsNameTheElement() throws IOException {
    DocumentMapper mapper = createDocumentMapper(fieldMapping(this::minimalMapping));
    for (String literal : new String[] {"NaN", "Infinity", "-Infinity"}) {
      MapperParsingException e = expectThrows(MapperParsingException.class,
          () -> mapper.parse(new SourceToParse("test", "1", new BytesArray("{\"field\": [1, " + literal + ", 3, 4]}"), XContentType.JSON)));
      assertTrue(e.getCause().getMessage(), e.getCause().getMessage().startsWith("[field] element [1] is not a number JSON allows ("));
      assertTrue(e.getCause().getMessage(), e.getCause().getMessage().endsWith("); vectors take finite numbers only"));
    }
  }

  public void testOneVectorPerDocument() throws IOException {
    // copy_to is the way a second value can reach the same field in one document.
    DocumentMapper mapper = createDocumentMapper(mapping(b -> {
      b.startObject("field").field("type", "dense_vector").field("dims", 2).endObject();
      b.startObject("other").field("type", "dense_vector").field("dims", 2).field("copy_to", "field").endObject();
    }));
    MapperParsingException e = expectThrows(MapperParsingException.class,
        () -> mapper.parse(source(b -> b.field("field", new float[] {1, 2}).field("other", new float[] {3, 4}))));
    assertEquals("[field] takes one vector per document, but the document has more than one", e.getCause().getMessage());
  }

  public void testMappingErrors() {
    assertMappingRejected(b -> b.field("type", "dense_vector"), "[field] of type [dense_vector] needs [dims], the number of dimensions");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", 0), "[field] [dims] must be between [1] and [2048], not [0]");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", -1), "[field] [dims] must be between [1] and [2048], not [-1]");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", 2049), "[field] [dims] must be between [1] and [2048], not [2049]");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", 2147483648L),
        "[field] [dims] must be between [1] and [2048], not [2147483648]");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", 4.5), "[field] [dims] must be a whole number, not [4.5]");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", 1e39), "[field] [dims] must be between [1] and [2048], not [1.0E39]");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", "four"), "[field] [dims] must be a whole number, not [four]");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", true), "[field] [dims] must be a whole number, not [true]");
    assertMappingRejected(b -> b.field("type", "dense_vector").array("dims", 4), "[field] [dims] must be a whole number, not [[4]]");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", 3).field("similarity", "hamming"),
        "Unknown value [hamming] for field [similarity] - accepted values are [cosine, dot_product, l2]");
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", 3).field("ef_construction", 100),
        "unknown parameter [ef_construction] on mapper [field] of type [dense_vector]");
  }

  // Either way every document would fail, with a message about the other field type: say so once, at mapping time.
  public void testMultiFieldsAreRejected() {
    assertMappingRejected(b -> b.field("type", "dense_vector").field("dims", 3).startObject("fields")
        .startObject("raw").field("type", "keyword").endObject().endObject(),
        "[field] of type [dense_vector] cannot have multi-fields, but has [raw]");
    for (String parentType : new String[] {"keyword", "text"}) {
      MapperParsingException e = expectThrows(MapperParsingException.class,
          () -> createMapperService(fieldMapping(b -> b.field("type", parentType).startObject("fields")
          .startObject("vec").field("type", "dense_vector").field("dims", 3).endObject().endObject())));
      assertEquals("Failed to parse mapping [_doc]: [vec] of type [dense_vector] cannot be a multi-field; map it as a "
          + "field of its own", e.getMessage());
    }
  }

  public void testEmptyMultiFieldsAreAccepted() throws IOException {
    MapperService service = createMapperService(fieldMapping(b -> b.field("type", "dense_vector").field("dims", 3)
        .startObject("fields").endObject()));
    assertEquals(3, ((DenseVectorFieldType) service.fieldType("field")).dims());
  }

  /**
   * {@code vector_scoring.max_dims} (2048 here) guards fields an index does not have yet. A wider field the index's
   * mapping already holds was accepted where it was added: it must recover, restore and allocate here all the same.
   */
  public void testMaxDimsSparesFieldsTheIndexAlreadyHas() throws IOException {
    String recorded = "{\"_doc\": {\"properties\": {"
        + "\"field\": {\"type\": \"dense_vector\", \"dims\": 3000, \"similarity\": \"cosine\"}, "
        + "\"obj\": {\"properties\": {\"inner\": {\"type\": \"dense_vector\", \"dims\": 2049, \"similarity\": \"l2\"}}}, "
        + "\"flat\": {\"disable_objects\": true, \"properties\": "
        + "{\"a.b\": {\"type\": \"dense_vector\", \"dims\": 4096, \"similarity\": \"cosine\"}}}}}}";
    MapperService service = createMapperService(mapping(b -> {}));
    IndexMetadata metadata = IndexMetadata.builder(service.getIndexSettings().getIndexMetadata()).putMapping(recorded).build();
    service.getIndexSettings().updateIndexMetadata(metadata);

    service.merge(metadata, MergeReason.MAPPING_RECOVERY);
    assertEquals(3000, ((DenseVectorFieldType) service.fieldType("field")).dims());
    assertEquals(2049, ((DenseVectorFieldType) service.fieldType("obj.inner")).dims());
    assertEquals(4096, ((DenseVectorFieldType) service.fieldType("flat.a.b")).dims());

    // Sending a field again as it is changes nothing, so the limit has nothing to say.
    updateMapping(service, b -> b.startObject("field").field("type", "dense_vector").field("dims", 3000).endObject());
    // New fields, or a recorded name at other dims, are new mappings: the limit applies.
    assertUpdateRejected(service, b -> b.startObject("other").field("type", "dense_vector").field("dims", 3000).endObject(),
        "[other] [dims] must be between [1] and [2048], not [3000]");
    assertUpdateRejected(service, b -> b.startObject("field").field("type", "dense_vector").field("dims", 2049).endObject(),
        "[field] [dims] must be between [1] and [2048], not [2049]");
    assertUpdateRejected(service, b -> b.startObject("inner").field("type", "dense_vector").field("dims", 2049).endObject(),
        "[inner] [dims] must be between [1] and [2048], not [2049]");
  }

  private static void updateMapping(MapperService service, CheckedBuilder properties) throws IOException {
    XContentBuilder mapping = XContentFactory.jsonBuilder().startObject().startObject("_doc").startObject("properties");
    properties.accept(mapping);
    mapping.endObject().endObject().endObject();
    service.merge("_doc", new CompressedXContent(BytesReference.bytes(mapping)), MergeReason.MAPPING_UPDATE);
  }

  private static void assertUpdateRejected(MapperService service, CheckedBuilder properties, String message) {
    MapperParsingException e = expectThrows(MapperParsingException.class, () -> updateMapping(service, properties));
    assertEquals("Failed to parse mapping [_doc]: " + message, e.getMessage());
  }

  public void testDimsWrittenAsAStringIsANumber() throws IOException {
    // As OpenSearch's own integer mapping parameters take it.
    MapperService service = createMapperService(fieldMapping(b -> b.field("type", "dense_vector").field("dims", "3")));
    assertEquals(3, ((DenseVectorFieldType) service.fieldType("field")).dims());
  }

  public void testTermQueriesPointToTheVectorQuery() throws IOException {
    MapperService service = createMapperService(fieldMapping(this::minimalMapping));
    Exception e = expectThrows(Exception.class, () -> service.fieldType("field").termQuery("x", createQueryShardContext(service)));
    assertEquals("[field] of type [dense_vector] cannot be searched by term; score by it with a [vector_similarity] query", e.getMessage());
  }

  private void assertMappingRejected(CheckedBuilder field, String message) {
    MapperParsingException e = expectThrows(MapperParsingException.class, () -> createMapperService(fieldMapping(field::accept)));
    assertTrue(e.getMessage() + " / " + e.getCause(), e.getMessage().contains(message) || (e.getCause() != null && e.getCause().getMessage().equals(message)));
  }

  private interface CheckedBuilder {
    void accept(XContentBuilder b) throws IOException;
  }

  private static void assertRejected(DocumentMapper mapper, String value, String message) {
    MapperParsingException e = expectThrows(MapperParsingException.class,
        () -> mapper.parse(new SourceToParse("test", "1", new BytesArray("{\"field\": " + value + "}"), XContentType.JSON)));
    assertTrue(e.getMessage(), e.getMessage().startsWith("failed to parse field [field] of type [dense_vector] in document with id '1'"));
    assertEquals(value, message, e.getCause().getMessage());
  }
}
