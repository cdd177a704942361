package org.vectorscoring.opensearch.it;


import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.opensearch.ExceptionsHelper;
import org.opensearch.action.search.SearchRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.functionscore.ScoreFunctionBuilders;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.aggregations.AggregationBuilders;
import org.opensearch.search.aggregations.bucket.terms.Terms;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.vectorscoring.ReferenceScores;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorScoringPlugin;
import org.vectorscoring.opensearch.aggregation.InternalSimilarityMatrix;
import org.vectorscoring.opensearch.aggregation.SimilarityMatrixAggregationBuilder;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

/**
 * The aggregation on an in-JVM cluster of random size against a double-precision reference: n×n, n×m from a filter,
 * given vectors, per bucket under {@code terms}, the same matrix from one shard or several, and its limits.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, minNumDataNodes = 1, maxNumDataNodes = 3)
public class SimilarityMatrixIT extends OpenSearchIntegTestCase {

  @Override
  protected Collection<Class<? extends Plugin>> nodePlugins() {
    return List.of(VectorScoringPlugin.class);
  }

  /**
   * A real request breaker on every node: the test cluster makes it a no-op on about one node in ten, and then a shard
   * there cannot trip what the breaker tests below expect it to (seed 1AE9EBA3299F017: only the coordinating node's
   * reduce tripped).
   */
  @Override
  protected Settings nodeSettings(int nodeOrdinal) {
    return Settings.builder().put(super.nodeSettings(nodeOrdinal)).put("indices.breaker.request.type", "memory").build();
  }

  /** A document of the test data: its id, tag, label, rank (its score in rankedQuery()) and vector (null for none). */
  private record Doc(String id, String tag, String label, int rank, float[] vector) {}

  private final List<Doc> docs = new ArrayList<>();
  private int dims;

  private void indexDocs(String index, int shards) throws IOException {
    assertAcked(prepareCreate(index).setSettings(Settings.builder().put("index.number_of_shards", shards).put("index.number_of_replicas", 0))
        .setMapping(XContentFactory.jsonBuilder().startObject().startObject("properties")
            .startObject("v").field("type", "dense_vector").field("dims", dims).endObject()
            .startObject("tag").field("type", "keyword").endObject()
            .startObject("label").field("type", "keyword").endObject()
            .startObject("label_no_dv").field("type", "keyword").field("doc_values", false).endObject()
            .startObject("rank").field("type", "integer").endObject()
            .endObject().endObject()));
    for (Doc doc : docs) {
      var source = XContentFactory.jsonBuilder().startObject().field("tag", doc.tag).field("rank", doc.rank);
      if (doc.label != null) {
        source.field("label", doc.label).field("label_no_dv", doc.label);
      }
      if (doc.vector != null) {
        source.field("v", doc.vector);
      }
      client().prepareIndex(index).setId(doc.id).setSource(source.endObject()).get();
    }
    refresh(index);
  }

  private void randomDocs() {
    dims = randomIntBetween(1, 40);
    int n = randomIntBetween(10, 60);
    for (int i = 0; i < n; i++) {
      float[] v = null;
      if (randomInt(9) != 0) {
        v = new float[dims];
        if (randomInt(15) != 0) {
          for (int k = 0; k < dims; k++) {
            v[k] = randomFloat() * 2 - 1;
          }
        }
      }
      docs.add(new Doc("d" + i, randomFrom("a", "b"), "L" + randomInt(1000), i * 7 % 101 + 1000 * i, v));
    }
  }

  /** Scores each document by its rank: distinct scores, so the rows are exactly the top ranks. */
  private static org.opensearch.index.query.QueryBuilder rankedQuery() {
    return QueryBuilders.functionScoreQuery(QueryBuilders.matchAllQuery(), ScoreFunctionBuilders.fieldValueFactorFunction("rank"))
        .boostMode(org.opensearch.common.lucene.search.function.CombineFunction.REPLACE);
  }

  public void testSquareMatrixOfTheTopRows() throws IOException {
    randomDocs();
    indexDocs("docs", randomIntBetween(1, 4));
    VectorSimilarity similarity = randomFrom(VectorSimilarity.values());
    int size = randomIntBetween(1, 15);
    InternalSimilarityMatrix m = matrix(client().prepareSearch("docs").setQuery(rankedQuery()).setSize(0)
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(size).similarity(similarity)));
    List<Doc> rows = docs.stream().filter(d -> d.vector != null).sorted(Comparator.comparingInt((Doc d) -> -d.rank)).limit(size).toList();
    assertEquals(rows.stream().map(Doc::id).toList(), m.rowKeys());
    assertEquals(m.rowKeys(), m.columnKeys());
    assertMatrix(similarity, rows, rows, m.matrix());
  }

  public void testColumnsFromAFilterAndFromGivenVectors() throws IOException {
    randomDocs();
    indexDocs("docs", randomIntBetween(1, 4));
    int size = randomIntBetween(1, 10);
    int columns = randomIntBetween(1, 10);
    // Columns: the filter scores every match alike, so ties are broken by key: the smallest labels.
    InternalSimilarityMatrix m = matrix(client().prepareSearch("docs").setQuery(rankedQuery()).setSize(0)
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(size).key("label")
            .columnsFilter(QueryBuilders.termQuery("tag", "b")).columnsSize(columns)));
    List<Doc> withVectors = docs.stream().filter(d -> d.vector != null).toList();
    List<Doc> rows = withVectors.stream().sorted(Comparator.comparingInt((Doc d) -> -d.rank)).limit(size).toList();
    List<Doc> cols = withVectors.stream().filter(d -> d.tag.equals("b"))
        .sorted(Comparator.comparing(Doc::label).thenComparing(Doc::vector, java.util.Arrays::compare)).limit(columns).toList();
    assertEquals(rows.stream().map(Doc::label).toList(), m.rowKeys());
    assertEquals(cols.stream().map(Doc::label).toList(), m.columnKeys());
    assertMatrix(VectorSimilarity.COSINE, rows, cols, m.matrix());

    float[][] given = new float[randomIntBetween(1, 4)][dims];
    for (float[] g : given) {
      for (int k = 0; k < dims; k++) {
        g[k] = randomFloat() - 0.5f;
      }
    }
    m = matrix(client().prepareSearch("docs").setQuery(rankedQuery()).setSize(0)
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(size).columnsVectors(given)));
    List<Doc> givenDocs = new ArrayList<>();
    for (int i = 0; i < given.length; i++) {
      givenDocs.add(new Doc(Integer.toString(i), "", "", 0, given[i]));
      assertEquals(Integer.toString(i), m.columnKeys().get(i));
    }
    assertMatrix(VectorSimilarity.COSINE, rows, givenDocs, m.matrix());
  }

  public void testScikitLearnExample() throws IOException {
    dims = 3;
    docs.add(new Doc("r1", "a", "x", 2, new float[] {1, 2, 3}));
    docs.add(new Doc("r2", "a", "y", 1, new float[] {4, 5, 6}));
    indexDocs("docs", randomIntBetween(1, 2));
    InternalSimilarityMatrix m = matrix(client().prepareSearch("docs").setQuery(rankedQuery()).setSize(0)
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(2)
            .columnsVectors(new float[][] {{9, 8, 7}, {6, 5, 4}})));
    assertEquals(List.of("r1", "r2"), m.rowKeys());
    float[][] expected = {{0.88265899f, 0.85280287f}, {0.96546332f, 0.94805195f}};
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(expected[i], m.matrix()[i], 1e-6f);
    }
  }

  public void testOneMatrixPerTermsBucket() throws IOException {
    randomDocs();
    indexDocs("docs", randomIntBetween(1, 3));
    int size = randomIntBetween(1, 8);
    SearchResponse response = client().prepareSearch("docs").setQuery(rankedQuery()).setSize(0)
        .addAggregation(AggregationBuilders.terms("tags").field("tag")
            .subAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(size))).get();
    Terms terms = response.getAggregations().get("tags");
    assertFalse(terms.getBuckets().isEmpty());
    for (Terms.Bucket bucket : terms.getBuckets()) {
      InternalSimilarityMatrix m = bucket.getAggregations().get("sims");
      List<Doc> rows = docs.stream().filter(d -> d.vector != null && d.tag.equals(bucket.getKeyAsString()))
          .sorted(Comparator.comparingInt((Doc d) -> -d.rank)).limit(size).toList();
      assertEquals(rows.stream().map(Doc::id).toList(), m.rowKeys());
      assertMatrix(VectorSimilarity.COSINE, rows, rows, m.matrix());
    }
  }

  public void testSameMatrixFromOneShardOrMany() throws IOException {
    randomDocs();
    indexDocs("one", 1);
    indexDocs("many", randomIntBetween(2, 5));
    SimilarityMatrixAggregationBuilder agg = new SimilarityMatrixAggregationBuilder("sims").field("v").size(randomIntBetween(1, 20))
        .key("label").columnsFilter(QueryBuilders.termQuery("tag", "a")).columnsSize(randomIntBetween(1, 20));
    // match_all scores every document alike: rows and columns are both decided by key.
    InternalSimilarityMatrix one = matrix(client().prepareSearch("one").setSize(0).addAggregation(agg));
    InternalSimilarityMatrix many = matrix(client().prepareSearch("many").setSize(0).addAggregation(agg));
    assertEquals(one.rowKeys(), many.rowKeys());
    assertEquals(one.columnKeys(), many.columnKeys());
    assertTrue(java.util.Arrays.deepEquals(one.matrix(), many.matrix()));
  }

  public void testDocumentsWithoutTheKeyAreSkippedAndSizeOneWorks() throws IOException {
    dims = 2;
    docs.add(new Doc("k1", "a", "first", 3, new float[] {1, 0}));
    docs.add(new Doc("k2", "a", null, 2, new float[] {0, 1}));  // no label: skipped when labelling by label
    docs.add(new Doc("k3", "a", "third", 1, new float[] {1, 1}));
    indexDocs("docs", randomIntBetween(1, 3));
    InternalSimilarityMatrix byLabel = matrix(client().prepareSearch("docs").setQuery(rankedQuery()).setSize(0)
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(2).key("label")));
    assertEquals(List.of("first", "third"), byLabel.rowKeys());
    InternalSimilarityMatrix one = matrix(client().prepareSearch("docs").setQuery(rankedQuery()).setSize(0)
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(1)));
    assertEquals(List.of("k1"), one.rowKeys());
    assertEquals(1f, one.matrix()[0][0], 0f);
  }

  public void testEmptyResultIsAnEmptyMatrix() throws IOException {
    randomDocs();
    indexDocs("docs", randomIntBetween(1, 3));
    InternalSimilarityMatrix m = matrix(client().prepareSearch("docs").setQuery(QueryBuilders.termQuery("tag", "none")).setSize(0)
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(5)));
    assertEquals(List.of(), m.rowKeys());
    assertEquals(0, m.matrix().length);
  }

  public void testLimitsAreBadRequests() throws IOException {
    randomDocs();
    indexDocs("docs", 1);
    assertBadRequest(new SimilarityMatrixAggregationBuilder("sims").field("v").size(1001),
        "[similarity_matrix] [sims] [size] is [1001], above [vector_scoring.matrix.max_size] of [1000]");
    assertBadRequest(new SimilarityMatrixAggregationBuilder("sims").field("v").columnsFilter(QueryBuilders.matchAllQuery()).columnsSize(5000),
        "[similarity_matrix] [sims] [columns.size] is [5000], above [vector_scoring.matrix.max_size] of [1000]");
    assertBadRequest(new SimilarityMatrixAggregationBuilder("sims").field("tag"),
        "[similarity_matrix] [sims] field [tag] is of type [keyword], but only [dense_vector] fields can be scored by vector similarity");
    assertBadRequest(new SimilarityMatrixAggregationBuilder("sims").field("v").key("rank"),
        "[similarity_matrix] [sims] [key] must be [_id] or a [keyword] field, and [rank] is of type [integer]");
    assertBadRequest(new SimilarityMatrixAggregationBuilder("sims").field("v").key("label_no_dv"),
        "[similarity_matrix] [sims] [key] field [label_no_dv] needs doc values, and it is mapped with "
            + "[doc_values: false]");
    assertBadRequest(new SimilarityMatrixAggregationBuilder("sims").field("v").columnsVectors(new float[][] {new float[dims + 1]}),
        "[similarity_matrix] [sims] [columns.vectors] [0] has [" + (dims + 1) + "] dimensions, but [v] has [" + dims + "]");
  }

  public void testRequestBreakerTripsAsTooManyRequests() throws IOException {
    dims = 512;
    for (int i = 0; i < 40; i++) {
      float[] v = new float[dims];
      v[i % dims] = 1;
      docs.add(new Doc("d" + i, "a", "l" + i, i, v));
    }
    indexDocs("docs", 1);
    assertAcked(client().admin().cluster().prepareUpdateSettings()
        .setTransientSettings(Settings.builder().put("indices.breaker.request.limit", "20kb")));
    try {
      Exception e = expectThrows(Exception.class, () -> client().prepareSearch("docs").setSize(0)
          .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(40)).get());
      assertEquals(ExceptionsHelper.stackTrace(e), RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(e));
    } finally {
      assertAcked(client().admin().cluster().prepareUpdateSettings()
          .setTransientSettings(Settings.builder().putNull("indices.breaker.request.limit")));
    }
    // The node is fine afterwards.
    assertEquals(40, matrix(client().prepareSearch("docs").setSize(0)
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(40))).rowKeys().size());
  }

  public void testAFilteredAliasBoundsRowsAndColumns() throws IOException {
    randomDocs();
    indexDocs("docs", randomIntBetween(1, 4));
    assertAcked(client().admin().indices().prepareAliases()
        .addAlias("docs", "docs_a", QueryBuilders.termQuery("tag", "a")));
    // Every document of the alias, as rows and as the columns of a match_all: ties, so both in key order.
    List<Doc> inAlias = docs.stream().filter(d -> d.vector != null && d.tag.equals("a"))
        .sorted(Comparator.comparing(Doc::id)).toList();
    InternalSimilarityMatrix m = matrix(client().prepareSearch("docs_a").setSize(0).setProfile(randomBoolean())
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(100)
            .columnsFilter(QueryBuilders.matchAllQuery()).columnsSize(100)));
    assertEquals(inAlias.stream().map(Doc::id).toList(), m.rowKeys());
    assertEquals(inAlias.stream().map(Doc::id).toList(), m.columnKeys());
    assertMatrix(VectorSimilarity.COSINE, inAlias, inAlias, m.matrix());
  }

  public void testColumnsAreScoredWithTheIndexSimilarity() throws IOException {
    // BM25 ranks the shorter title first; the boolean similarity scores both matches 1, and the key breaks the tie.
    for (String similarity : List.of("BM25", "boolean")) {
      String index = "titles-" + similarity.toLowerCase(java.util.Locale.ROOT);
      assertAcked(prepareCreate(index).setSettings(Settings.builder().put("index.number_of_shards", 1)
              .put("index.number_of_replicas", 0).put("index.similarity.default.type", similarity))
          .setMapping("v", "type=dense_vector,dims=2", "title", "type=text"));
      client().prepareIndex(index).setId("t0").setSource("v", new float[] {1, 0}, "title", "red shoe shoe shoe").get();
      client().prepareIndex(index).setId("t1").setSource("v", new float[] {0, 1}, "title", "red").get();
      refresh(index);
      InternalSimilarityMatrix m = matrix(client().prepareSearch(index).setSize(0)
          .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(2)
              .columnsFilter(QueryBuilders.matchQuery("title", "red")).columnsSize(1)));
      assertEquals(similarity, List.of(similarity.equals("BM25") ? "t1" : "t0"), m.columnKeys());
    }
  }

  public void testAFieldThatDiffersAcrossIndicesIsABadRequest() throws IOException {
    for (String[] index : new String[][] {{"cos", "2", "cosine"}, {"euclid", "2", "l2"}, {"three", "3", "cosine"}}) {
      int indexDims = Integer.parseInt(index[1]);
      assertAcked(prepareCreate(index[0])
          .setSettings(Settings.builder().put("index.number_of_shards", randomIntBetween(1, 2))
              .put("index.number_of_replicas", 0))
          .setMapping("v", "type=dense_vector,dims=" + indexDims + ",similarity=" + index[2]));
      for (int i = 0; i < 3; i++) {
        float[] v = new float[indexDims];
        v[i % indexDims] = i + 1;
        client().prepareIndex(index[0]).setId(index[0] + i).setSource("v", v).get();
      }
      refresh(index[0]);
    }
    SimilarityMatrixAggregationBuilder agg = new SimilarityMatrixAggregationBuilder("sims").field("v").size(10);
    // The message names whichever similarity (or dims) the reduce met first.
    assertBadRequest(client().prepareSearch("cos", "euclid").setSize(0).addAggregation(agg),
        "[similarity_matrix] [sims] field [v] has similarity [cosine] in some indices and [l2] in others; "
            + "give [similarity] in the request",
        "[similarity_matrix] [sims] field [v] has similarity [l2] in some indices and [cosine] in others; "
            + "give [similarity] in the request");

    // Naming the similarity settles it.
    InternalSimilarityMatrix m = matrix(client().prepareSearch("cos", "euclid").setSize(0)
        .addAggregation(new SimilarityMatrixAggregationBuilder("sims").field("v").size(10)
            .similarity(VectorSimilarity.L2)));
    assertEquals(6, m.rowKeys().size());
    assertEquals(VectorSimilarity.L2, m.similarity());

    assertBadRequest(client().prepareSearch("cos", "three").setSize(0).addAggregation(agg),
        "[similarity_matrix] [sims] field [v] has [2] dimensions in some indices and [3] in others; "
            + "one matrix needs one number of dimensions",
        "[similarity_matrix] [sims] field [v] has [3] dimensions in some indices and [2] in others; "
            + "one matrix needs one number of dimensions");
  }

  public void testTheColumnsEveryBucketCarriesAreReservedOnTheShard() throws IOException {
    dims = 256;
    for (int i = 0; i < 30; i++) {
      float[] v = new float[dims];
      v[i] = 1;
      docs.add(new Doc("d" + i, "t" + i, "l" + i, i, v));
    }
    indexDocs("docs", 1);
    float[][] given = new float[30][dims];
    for (float[] g : given) {
      for (int k = 0; k < dims; k++) {
        g[k] = randomFloat();
      }
    }
    // Each bucket's result carries the 30 given columns, about 32 kB: 3 buckets about 100 kB, 30 about 1 MB.
    SimilarityMatrixAggregationBuilder sims = new SimilarityMatrixAggregationBuilder("sims").field("v").size(1)
        .columnsVectors(given);
    assertAcked(client().admin().cluster().prepareUpdateSettings()
        .setTransientSettings(Settings.builder().put("indices.breaker.request.limit", "500kb")));
    try {
      SearchResponse few = client().prepareSearch("docs").setSize(0)
          .addAggregation(AggregationBuilders.terms("tags").field("tag").size(3).shardSize(3).subAggregation(sims))
          .get();
      assertEquals(3, ((Terms) few.getAggregations().get("tags")).getBuckets().size());
      Exception e = expectThrows(Exception.class, () -> client().prepareSearch("docs").setSize(0)
          .addAggregation(AggregationBuilders.terms("tags").field("tag").size(30).subAggregation(sims)).get());
      assertEquals(ExceptionsHelper.stackTrace(e), RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(e));
      // Refused on the shard, before it writes its result, not only when the coordinating node receives it.
      String trace = ExceptionsHelper.stackTrace(e);
      assertTrue(trace, trace.contains("[request] Data too large, data for [<agg [sims]>] would be"));
    } finally {
      assertAcked(client().admin().cluster().prepareUpdateSettings()
          .setTransientSettings(Settings.builder().putNull("indices.breaker.request.limit")));
    }
  }

  private void assertBadRequest(SimilarityMatrixAggregationBuilder agg, String message) {
    Exception e = expectThrows(Exception.class, () -> client().prepareSearch("docs").setSize(0).addAggregation(agg).get());
    assertEquals(ExceptionsHelper.stackTrace(e), RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
    assertTrue(ExceptionsHelper.stackTrace(e), ExceptionsHelper.stackTrace(e).contains(message));
  }

  /** Asserts {@code request} is a 400 with one of {@code messages}. */
  private static void assertBadRequest(SearchRequestBuilder request, String... messages) {
    Exception e = expectThrows(Exception.class, request::get);
    String trace = ExceptionsHelper.stackTrace(e);
    assertEquals(trace, RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
    assertTrue(trace, java.util.Arrays.stream(messages).anyMatch(trace::contains));
  }

  private static InternalSimilarityMatrix matrix(SearchRequestBuilder request) {
    SearchResponse response = request.get();
    assertEquals(0, response.getFailedShards());
    return response.getAggregations().get("sims");
  }

  private static void assertMatrix(VectorSimilarity similarity, List<Doc> rows, List<Doc> cols, float[][] matrix) {
    assertEquals(rows.size(), matrix.length);
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(cols.size(), matrix[i].length);
      for (int j = 0; j < cols.size(); j++) {
        double want = ReferenceScores.similarity(similarity, rows.get(i).vector, cols.get(j).vector);
        if (similarity == VectorSimilarity.COSINE && ReferenceScores.similarity(VectorSimilarity.DOT_PRODUCT, rows.get(i).vector,
            rows.get(i).vector) == 0) {
          want = 0; // a zero row: cosine 0, as scikit-learn
        }
        assertEquals("[" + i + "][" + j + "]", want, matrix[i][j], 1e-5 * Math.max(1, Math.abs(want)));
      }
    }
  }
}
