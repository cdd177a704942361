package org.vectorscoring.opensearch.aggregation;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.aggregations.AggregatorFactories;
import org.opensearch.search.aggregations.BaseAggregationTestCase;
import org.opensearch.test.TestGeoShapeFieldMapperPlugin;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorScoringPlugin;

/** The request through OpenSearch's aggregation-builder test base (XContent, wire, equality), plus its parse errors. */
@SuppressWarnings("deprecation") // TestGeoShapeFieldMapperPlugin: the base class maps a geo_shape field
public class SimilarityMatrixAggregationBuilderTests extends BaseAggregationTestCase<SimilarityMatrixAggregationBuilder> {

  @Override
  protected Collection<Class<? extends Plugin>> getPlugins() {
    return List.of(VectorScoringPlugin.class, TestGeoShapeFieldMapperPlugin.class);
  }

  @Override
  protected SimilarityMatrixAggregationBuilder createTestAggregatorBuilder() {
    SimilarityMatrixAggregationBuilder builder = new SimilarityMatrixAggregationBuilder(randomAlphaOfLength(5)).field("v")
        .size(randomIntBetween(1, 100));
    if (randomBoolean()) {
      builder.key(randomFrom("_id", "label"));
    }
    if (randomBoolean()) {
      builder.similarity(randomFrom(VectorSimilarity.values()));
    }
    switch (randomInt(2)) {
      case 0 -> builder.columnsFilter(QueryBuilders.termQuery("tag", randomAlphaOfLength(3))).columnsSize(randomBoolean() ? null : randomIntBetween(1, 9));
      case 1 -> builder.columnsVectors(new float[][] {{randomFloat(), randomFloat()}, {randomFloat(), randomFloat()}});
      default -> {}
    }
    return builder;
  }

  public void testParsesTheContractExample() throws IOException {
    SimilarityMatrixAggregationBuilder b = parse("""
        { "sims": { "similarity_matrix": {
            "field": "embedding", "size": 50, "key": "_id", "similarity": "cosine",
            "columns": { "filter": { "term": { "tag": "b" } }, "size": 40 } } } }""");
    assertEquals("embedding", b.field());
    assertEquals(50, b.size());
    assertEquals(VectorSimilarity.COSINE, b.similarity());
    assertEquals(QueryBuilders.termQuery("tag", "b"), b.columnsFilter());
    assertEquals(Integer.valueOf(40), b.columnsSize());
  }

  public void testParseErrorsNameTheParameter() {
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"size\": 3}}}", "[similarity_matrix] [sims] requires [field]");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"size\": 0}}}",
        "[similarity_matrix] [sims] [size] must be at least [1], not [0]");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"size\": 2147483648}}}",
        "[similarity_matrix] [sims] [size] is [2147483648], above any matrix this node allows");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"size\": 99999999999999999999999}}}",
        "[similarity_matrix] [sims] [size] is [99999999999999999999999], above any matrix this node allows");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"size\": 1e30}}}",
        "[similarity_matrix] [sims] [size] is [1e30], above any matrix this node allows");
    // Below an int's range: not wrapped around into a positive size.
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"size\": -3000000000}}}",
        "[similarity_matrix] [sims] [size] must be at least [1], not [-3000000000]");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"size\": 1.5}}}",
        "[similarity_matrix] [sims] [size] must be a whole number, not [1.5]");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"columns\": {\"filter\": {\"match_all\": {}}, "
        + "\"size\": 2147483648}}}}", "[similarity_matrix] [sims] [columns.size] is [2147483648], above any matrix this node allows");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"columns\": {\"vectors\": []}}}}",
        "[similarity_matrix] [sims] [columns.vectors] is empty, give at least one vector");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"size\": \"ten\"}}}",
        "[similarity_matrix] [sims] [size] must be a number");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"similarity\": \"jaccard\"}}}",
        "[similarity_matrix] [sims] unknown similarity [jaccard], expected one of [cosine, dot_product, l2]");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"columns\": {}}}}",
        "[similarity_matrix] [sims] [columns] needs exactly one of [filter] or [vectors]");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"columns\": {\"vectors\": [[1, 2], [3, \"x\"]]}}}}",
        "[similarity_matrix] [sims] [columns.vectors] [1] element [1] is a string, expected a number");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"columns\": "
        + "{\"vectors\": [[1, 2], [3e38, 3e38]]}}}}",
        "[similarity_matrix] [sims] [columns.vectors] [1] has an L2 norm of [4.2426406948942856E38], above "
        + "[4.611686018427388E18], the most a vector may have for its similarities to stay within the float range");
    assertParseError("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"rows\": 3}}}", "[similarity_matrix] [sims] does not support [rows]");
  }

  public void testGivenVectorsBeyondTheLimitAreCountedUnread() {
    // 1000 is the default vector_scoring.matrix.max_size; the bad element after it is never read, only counted.
    StringBuilder json = new StringBuilder("{\"sims\": {\"similarity_matrix\": {\"field\": \"v\", \"columns\": {\"vectors\": [");
    json.append("[1, 2],".repeat(1000)).append("[\"x\"], [[3]], {\"a\": 4}]}}}}");
    assertParseError(json.toString(), "[similarity_matrix] [sims] [columns.vectors] is [1003], above [vector_scoring.matrix.max_size] of [1000]; "
        + "ask for fewer rows or raise the node setting");
  }

  private SimilarityMatrixAggregationBuilder parse(String json) throws IOException {
    try (XContentParser parser = createParser(org.opensearch.common.xcontent.json.JsonXContent.jsonXContent, json)) {
      assertSame(XContentParser.Token.START_OBJECT, parser.nextToken());
      AggregatorFactories.Builder parsed = AggregatorFactories.parseAggregators(parser);
      return (SimilarityMatrixAggregationBuilder) parsed.getAggregatorFactories().iterator().next();
    }
  }

  private void assertParseError(String json, String message) {
    Exception e = expectThrows(Exception.class, () -> parse(json));
    Throwable cause = e;
    while (cause != null && (cause.getMessage() == null || cause.getMessage().contains(message) == false)) {
      cause = cause.getCause();
    }
    assertNotNull("no [" + message + "] in " + e, cause);
    assertTrue(cause instanceof ParsingException || cause instanceof IllegalArgumentException);
  }
}
