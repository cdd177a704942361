package org.vectorscoring.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.PairwiseSimilarity;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.aggregation.InternalSimilarityMatrix;
import org.vectorscoring.opensearch.aggregation.SimilarityMatrixAggregationBuilder;

/**
 * The whole {@code similarity_matrix} request, 1000 rows (n×n, and n×m against 1000 columns of a filter) of 768 dims
 * on one shard, from request to response through the node client and over HTTP, and its parts on the same data in the
 * same run: the shard phase (the same request cut to one column, so the kernel's share is a thousandth), the kernel
 * ({@link PairwiseSimilarity} on the same vectors, as the final reduce calls it) and the JSON of the response.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class MatrixRequestBenchmark {

  private static final String ROW_TAG = "row";
  private static final String COLUMN_TAG = "column";

  @Param({"1000"})
  public int rows;

  @Param({"768"})
  public int dims;

  private BenchNode node;
  private String index;
  private HttpClient http;
  private SearchRequest square;
  private SearchRequest rectangular;
  private SearchRequest oneColumn;
  private SearchRequest oneColumnByLabel;
  private HttpRequest squareHttp;
  private HttpRequest rectangularHttp;
  private SearchResponse squareResponse;
  private SearchResponse rectangularResponse;
  private float[][] rowVectors;
  private float[][] columnVectors;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    if (VectorKernel.best() != VectorKernel.panamaOrNull()) {
      throw new IllegalStateException("the SIMD kernel did not load: run with --add-modules jdk.incubator.vector");
    }
    node = BenchNode.start(Path.of("target", "jmh-nodes", "matrix"));
    index = "matrix-" + dims + "-" + rows;
    // Bump the version when the corpus or the index settings change, so old indices are rebuilt.
    node.ensureIndex(index, "v2 dims=" + dims + " rows=" + rows, this::build);
    BenchCorpus corpus = new BenchCorpus(dims);
    rowVectors = new float[rows][];
    columnVectors = new float[rows][];
    for (int i = 0; i < 2 * rows; i++) {
      (i < rows ? rowVectors : columnVectors)[i % rows] = corpus.nextVector();
    }

    SimilarityMatrixAggregationBuilder matrix = new SimilarityMatrixAggregationBuilder("matrix").field("v").size(rows);
    square = request(matrix);
    rectangular = request(new SimilarityMatrixAggregationBuilder("matrix").field("v").size(rows)
        .columnsFilter(QueryBuilders.termQuery("tag", COLUMN_TAG)).columnsSize(rows));
    float[][] oneVector = {corpus.queryVector()};
    oneColumn = request(new SimilarityMatrixAggregationBuilder("matrix").field("v").size(rows).columnsVectors(oneVector));
    oneColumnByLabel = request(new SimilarityMatrixAggregationBuilder("matrix").field("v").size(rows).key("label")
        .columnsVectors(oneVector));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    squareHttp = httpRequest("{\"similarity_matrix\": {\"field\": \"v\", \"size\": " + rows + "}}");
    rectangularHttp = httpRequest("{\"similarity_matrix\": {\"field\": \"v\", \"size\": " + rows
        + ", \"columns\": {\"filter\": {\"term\": {\"tag\": \"" + COLUMN_TAG + "\"}}, \"size\": " + rows + "}}}");

    squareResponse = node.client().search(square).actionGet();
    rectangularResponse = node.client().search(rectangular).actionGet();
    check(squareResponse, rowVectors, rowVectors);
    check(rectangularResponse, rowVectors, columnVectors);
    check(squareHttp, squareResponse);
    check(rectangularHttp, rectangularResponse);
  }

  private void build(Client client) throws IOException {
    client.admin().indices().prepareCreate(index)
        .setSettings(Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0))
        .setMapping(XContentFactory.jsonBuilder().startObject().startObject("properties")
            .startObject("v").field("type", "dense_vector").field("dims", dims).field("similarity", "cosine").endObject()
            .startObject("tag").field("type", "keyword").endObject()
            .startObject("label").field("type", "keyword").endObject()
            .endObject().endObject())
        .get();
    BenchCorpus corpus = new BenchCorpus(dims);
    BulkRequestBuilder bulk = client.prepareBulk();
    for (int doc = 0; doc < 2 * rows; doc++) {
      // JSON, as most clients send it: the stored _source is then about 9 KB per 768-dim vector.
      bulk.add(new IndexRequest(index).id(Integer.toString(doc)).source(XContentFactory.jsonBuilder().startObject()
          .array("v", corpus.nextVector()).field("tag", doc < rows ? ROW_TAG : COLUMN_TAG).field("label", Integer.toString(doc))
          .endObject()));
    }
    BulkResponse response = bulk.get();
    if (response.hasFailures()) {
      throw new IllegalStateException(response.buildFailureMessage());
    }
    client.admin().indices().prepareForceMerge(index).setMaxNumSegments(1).get();
    client.admin().indices().prepareRefresh(index).get();
  }

  private SearchRequest request(SimilarityMatrixAggregationBuilder matrix) {
    // No request cache: a repeated size-0 request would otherwise be answered from it without collecting anything.
    return new SearchRequest(index).requestCache(false)
        .source(new SearchSourceBuilder().size(0).query(QueryBuilders.termQuery("tag", ROW_TAG)).aggregation(matrix));
  }

  private HttpRequest httpRequest(String aggregation) {
    String body = "{\"size\": 0, \"query\": {\"term\": {\"tag\": \"" + ROW_TAG + "\"}}, \"aggs\": {\"matrix\": " + aggregation + "}}";
    return HttpRequest.newBuilder(URI.create(node.http() + "/" + index + "/_search?request_cache=false"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** Fails the run unless the matrix is n×m and every cell is what the kernel benchmark computes for its row and column. */
  private static void check(SearchResponse response, float[][] rowVectors, float[][] columnVectors) {
    InternalSimilarityMatrix result = response.getAggregations().get("matrix");
    float[][] a = byKey(result.rowKeys(), rowVectors, 0);
    // The same array for n×n, as the aggregation passes it: the kernel then mirrors each pair and sets the diagonal to 1.
    float[][] b = rowVectors == columnVectors ? a : byKey(result.columnKeys(), columnVectors, rowVectors.length);
    float[][] ordered = PairwiseSimilarity.pairwise(a, b, VectorSimilarity.COSINE, VectorKernel.best());
    if (Arrays.deepEquals(result.matrix(), ordered) == false) {
      throw new IllegalStateException("the aggregation's " + result.matrix().length + "-row matrix differs from the kernel's on the same vectors");
    }
  }

  private static float[][] byKey(List<String> keys, float[][] vectors, int firstId) {
    if (keys.size() != vectors.length) {
      throw new IllegalStateException("expected [" + vectors.length + "] keys, got [" + keys.size() + "]");
    }
    return keys.stream().map(key -> vectors[Integer.parseInt(key) - firstId]).toArray(float[][]::new);
  }

  private void check(HttpRequest request, SearchResponse expected) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    int cells = ((InternalSimilarityMatrix) expected.getAggregations().get("matrix")).matrix().length * rows;
    // Each cell is written as at least two characters and a comma: a short body means no matrix.
    if (response.statusCode() != 200 || response.body().length < 3L * cells) {
      throw new IllegalStateException("HTTP [" + response.statusCode() + "] with a body of [" + response.body().length + "] bytes");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    node.close();
  }

  /** n×n: from request to response, through the node client. */
  @Benchmark
  public float[][] squareClient() {
    return matrixOf(node.client().search(square).actionGet());
  }

  /** n×m (rows against the top 1000 of a second filter): from request to response, through the node client. */
  @Benchmark
  public float[][] rectangularClient() {
    return matrixOf(node.client().search(rectangular).actionGet());
  }

  /** The matrix is computed when first read (or written out), so a client's request is timed until it has it. */
  private static float[][] matrixOf(SearchResponse response) {
    return ((InternalSimilarityMatrix) response.getAggregations().get("matrix")).matrix();
  }

  /** n×n over HTTP: the request's JSON in, the response's JSON (a million numbers) out and read to the last byte. */
  @Benchmark
  public byte[] squareHttp() throws IOException, InterruptedException {
    return http.send(squareHttp, HttpResponse.BodyHandlers.ofByteArray()).body();
  }

  @Benchmark
  public byte[] rectangularHttp() throws IOException, InterruptedException {
    return http.send(rectangularHttp, HttpResponse.BodyHandlers.ofByteArray()).body();
  }

  /**
   * The shard phase of the n×n request: the same query collecting the same 1000 rows with their vectors and keys,
   * through the same reduce, but against one given column, so the kernel computes 1000 cells instead of a million.
   */
  @Benchmark
  public SearchResponse collectOnly() {
    return node.client().search(oneColumn).actionGet();
  }

  /**
   * As {@link #collectOnly()}, with rows labelled by a keyword field (read from doc values) instead of {@code _id}
   * (read from stored fields, whose compressed blocks also hold every document's _source).
   */
  @Benchmark
  public SearchResponse collectOnlyKeyedByLabel() {
    return node.client().search(oneColumnByLabel).actionGet();
  }

  /** The n×n kernel as the final reduce runs it: normalise, blocked dot products, clamp. */
  @Benchmark
  public float[][] kernelSquare() {
    return PairwiseSimilarity.pairwise(rowVectors, rowVectors, VectorSimilarity.COSINE, VectorKernel.best());
  }

  @Benchmark
  public float[][] kernelRectangular() {
    return PairwiseSimilarity.pairwise(rowVectors, columnVectors, VectorSimilarity.COSINE, VectorKernel.best());
  }

  /** The n×n response as JSON, as the REST layer writes it. */
  @Benchmark
  public BytesReference serialiseSquare() throws IOException {
    return json(squareResponse);
  }

  @Benchmark
  public BytesReference serialiseRectangular() throws IOException {
    return json(rectangularResponse);
  }

  private static BytesReference json(SearchResponse response) throws IOException {
    XContentBuilder builder = XContentFactory.jsonBuilder();
    response.toXContent(builder, ToXContent.EMPTY_PARAMS);
    return BytesReference.bytes(builder);
  }
}
