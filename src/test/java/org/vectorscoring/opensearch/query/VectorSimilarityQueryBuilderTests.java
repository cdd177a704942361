package org.vectorscoring.opensearch.query;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.common.compress.CompressedXContent;
import org.opensearch.core.common.ParsingException;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.AbstractQueryTestCase;
import org.opensearch.test.TestGeoShapeFieldMapperPlugin;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.lucene.VectorSimilarityQuery;
import org.vectorscoring.opensearch.VectorScoringPlugin;

/**
 * The query builder through OpenSearch's query test base (parsing, XContent and wire round trips, equality, unknown
 * fields and objects), plus each error of contract §2–3 with its message.
 */
@SuppressWarnings("deprecation") // TestGeoShapeFieldMapperPlugin, see getPlugins
public class VectorSimilarityQueryBuilderTests extends AbstractQueryTestCase<VectorSimilarityQueryBuilder> {

  private static final String COSINE_FIELD = "vec";
  private static final String L2_FIELD = "vec_l2";

  @Override
  protected Collection<Class<? extends Plugin>> getPlugins() {
    // The base class maps a geo_shape field, which needs its test plugin beside ours.
    return List.of(VectorScoringPlugin.class, TestGeoShapeFieldMapperPlugin.class);
  }

  @Override
  protected void initializeAdditionalMappings(MapperService mapperService) throws IOException {
    mapperService.merge("_doc", new CompressedXContent("{\"properties\":{"
        + "\"" + COSINE_FIELD + "\":{\"type\":\"dense_vector\",\"dims\":4},"
        + "\"" + L2_FIELD + "\":{\"type\":\"dense_vector\",\"dims\":4,\"similarity\":\"l2\"}}}"), MapperService.MergeReason.MAPPING_UPDATE);
  }

  @Override
  protected VectorSimilarityQueryBuilder doCreateTestQueryBuilder() {
    float[] vector = new float[4];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = randomFloat() + 0.01f;
    }
    VectorSimilarityQueryBuilder builder = new VectorSimilarityQueryBuilder(randomFrom(COSINE_FIELD, L2_FIELD), vector);
    if (randomBoolean()) {
      builder.similarity(randomFrom(VectorSimilarity.values()));
    }
    if (randomBoolean()) {
      builder.filterQuery(QueryBuilders.termQuery(KEYWORD_FIELD_NAME, randomAlphaOfLength(5)));
    }
    if (randomBoolean()) {
      builder.minSimilarity(randomFloat());
    }
    return builder;
  }

  @Override
  protected void doAssertLuceneQuery(VectorSimilarityQueryBuilder builder, Query query, QueryShardContext context) {
    assertTrue(query.getClass().getName(), query instanceof VectorSimilarityQuery);
    VectorSimilarityQuery vq = (VectorSimilarityQuery) query;
    assertEquals(builder.field(), vq.queryVector().field());
    assertArrayEquals(builder.queryVector(), vq.queryVector().vector(), 0f);
    VectorSimilarity expected = builder.similarity() != null
        ? builder.similarity()
        : builder.field().equals(L2_FIELD) ? VectorSimilarity.L2 : VectorSimilarity.COSINE;
    assertEquals(expected, vq.queryVector().similarity());
    assertEquals(builder.minSimilarity(), vq.minSimilarity());
    assertEquals(builder.filterQuery() != null, vq.filter() != null);
  }

  public void testParsesTheContractExample() throws IOException {
    String json = """
        { "vector_similarity": {
            "field": "vec", "query_vector": [1, 2, 3, 4],
            "similarity": "dot_product",
            "filter": { "term": { "mapped_string_2": "a" } },
            "min_similarity": 0.5,
            "boost": 2.0 } }""";
    VectorSimilarityQueryBuilder parsed = (VectorSimilarityQueryBuilder) parseQuery(json);
    assertEquals("vec", parsed.field());
    assertArrayEquals(new float[] {1, 2, 3, 4}, parsed.queryVector(), 0f);
    assertEquals(VectorSimilarity.DOT_PRODUCT, parsed.similarity());
    assertEquals(QueryBuilders.termQuery(KEYWORD_FIELD_NAME, "a"), parsed.filterQuery());
    assertEquals(0.5f, parsed.minSimilarity(), 0f);
    assertEquals(2f, parsed.boost(), 0f);
  }

  public void testParseErrorsNameTheParameter() {
    assertParseError("{\"vector_similarity\": {\"query_vector\": [1, 2, 3, 4]}}", "[vector_similarity] requires [field]");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\"}}", "[vector_similarity] requires [query_vector]");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": [1, \"x\", 3, 4]}}",
        "[vector_similarity] [query_vector] element [1] is a string, expected a number");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": []}}",
        "[vector_similarity] [query_vector] is empty, a vector needs at least one dimension");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": {\"a\": 1}}}",
        "[vector_similarity] [query_vector] expects an array of numbers, not an object");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": [1, 2, 3, 4], \"similarity\": \"hamming\"}}",
        "[vector_similarity] [similarity]: unknown similarity [hamming], expected one of [cosine, dot_product, l2]");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": [1, 2, 3, 4], \"min_similarity\": \"high\"}}",
        "[vector_similarity] [min_similarity] must be a number");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": [1, 2, 3, 4], \"k\": 10}}",
        "[vector_similarity] does not support [k]");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": [1, 2, 3, 4], \"boost\": \"high\"}}",
        "[vector_similarity] [boost] must be a number, not [high]");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": [1, 2, 3, 4], \"ignore_unmapped\": \"maybe\"}}",
        "[vector_similarity] [ignore_unmapped] must be true or false, not [maybe]");
    assertParseError("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": [3e38, 3e38, 0, 0]}}",
        "[vector_similarity] [query_vector] has an L2 norm of [4.2426406948942856E38], above [4.611686018427388E18], "
        + "the most a vector may have for its similarities to stay within the float range");
    StringBuilder huge = new StringBuilder("{\"vector_similarity\": {\"field\": \"vec\", \"query_vector\": [0");
    huge.append(",0".repeat(16384)).append("]}}");
    assertParseError(huge.toString(), "[vector_similarity] [query_vector] has more than [16384] elements, the most a vector can have");
  }

  public void testShardErrorsNameTheFieldAndTheProblem() throws IOException {
    QueryShardContext context = createShardContext();
    assertShardError(new VectorSimilarityQueryBuilder(COSINE_FIELD, new float[] {1, 2, 3}), context,
        "[vector_similarity] [vec] has [4] dimensions, but the query vector has [3]");
    // Built in Java, the vector skips the request parser: the Lucene query vector checks its norm.
    assertShardError(new VectorSimilarityQueryBuilder(COSINE_FIELD, new float[] {3e38f, 3e38f, 0, 0}), context,
        "[vector_similarity] [vec] has an L2 norm of [4.2426406948942856E38], above [4.611686018427388E18], "
        + "the most a vector may have for its similarities to stay within the float range");
    assertShardError(new VectorSimilarityQueryBuilder(COSINE_FIELD, new float[4]), context,
        "[vector_similarity] [vec] the query vector is all zeros, which has no cosine similarity");
    assertShardError(new VectorSimilarityQueryBuilder(L2_FIELD, new float[4]).similarity(VectorSimilarity.COSINE), context,
        "[vector_similarity] [vec_l2] the query vector is all zeros, which has no cosine similarity");
    assertShardError(new VectorSimilarityQueryBuilder(TEXT_FIELD_NAME, new float[] {1}), context,
        "[vector_similarity] field [" + TEXT_FIELD_NAME + "] is of type [text], but only [dense_vector] fields can be scored by vector similarity");
    assertShardError(new VectorSimilarityQueryBuilder("nope", new float[] {1}), context,
        "[vector_similarity] field [nope] does not exist in the mapping of this index");
    // A zero vector is a fine query for l2 and dot product, and an unmapped field can be ignored on request.
    assertTrue(new VectorSimilarityQueryBuilder(L2_FIELD, new float[4]).toQuery(context) instanceof VectorSimilarityQuery);
    assertTrue(new VectorSimilarityQueryBuilder("nope", new float[] {1}).ignoreUnmapped(true).toQuery(context) instanceof MatchNoDocsQuery);
  }

  public void testBuilderRejectsEmptyArguments() {
    assertEquals("[vector_similarity] requires [field]",
        expectThrows(IllegalArgumentException.class, () -> new VectorSimilarityQueryBuilder("", new float[] {1})).getMessage());
    assertEquals("[vector_similarity] requires a non-empty [query_vector]",
        expectThrows(IllegalArgumentException.class, () -> new VectorSimilarityQueryBuilder("f", new float[0])).getMessage());
    assertEquals("[vector_similarity] [min_similarity] must be a finite number, not [NaN]",
        expectThrows(IllegalArgumentException.class, () -> new VectorSimilarityQueryBuilder("f", new float[] {1}).minSimilarity(Float.NaN))
            .getMessage());
  }

  private void assertParseError(String json, String message) {
    ParsingException e = expectThrows(ParsingException.class, () -> parseQuery(json));
    assertEquals(message, e.getMessage());
  }

  private static void assertShardError(VectorSimilarityQueryBuilder builder, QueryShardContext context, String message) {
    QueryShardException e = expectThrows(QueryShardException.class, () -> builder.toQuery(context));
    assertEquals(message, e.getMessage());
  }
}
