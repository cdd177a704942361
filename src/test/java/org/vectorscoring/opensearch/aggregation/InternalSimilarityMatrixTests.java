package org.vectorscoring.opensearch.aggregation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.opensearch.ExceptionsHelper;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.BigArrays;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.indices.breaker.CircuitBreakerService;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.indices.breaker.HierarchyCircuitBreakerService;
import org.opensearch.search.aggregations.InternalAggregation;
import org.opensearch.search.aggregations.pipeline.PipelineAggregator;
import org.opensearch.test.OpenSearchTestCase;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.VectorSimilarity;

/** The result's wire round trip, its reduce in random partial steps, and the JSON of contract §6. */
public class InternalSimilarityMatrixTests extends OpenSearchTestCase {

  public void testWireRoundTrip() throws IOException {
    InternalSimilarityMatrix original = randomShardResult(randomIntBetween(1, 6), randomFrom(InternalSimilarityMatrix.Columns.values()));
    InternalSimilarityMatrix reduced = (InternalSimilarityMatrix) original.reduce(List.of(original), finalReduce());
    for (InternalSimilarityMatrix m : List.of(original, reduced)) {
      assertEquals(m, roundTrip(m, InternalSimilarityMatrix::new));
    }
  }

  /** Writes and reads back {@code value}, asserting the reader consumed every byte written. */
  private static <T extends Writeable> T roundTrip(T value, Writeable.Reader<T> reader) throws IOException {
    BytesStreamOutput out = new BytesStreamOutput();
    value.writeTo(out);
    StreamInput in = out.bytes().streamInput();
    T read = reader.read(in);
    assertEquals(0, in.available());
    return read;
  }

  public void testCandidateVectorsCrossTheWireBitForBit() throws IOException {
    float[] special = {-0f, 0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, 1e-40f, 0.1f};
    float[] vector = new float[randomIntBetween(0, 2048)];
    for (int k = 0; k < vector.length; k++) {
      vector[k] = randomBoolean() ? special[randomInt(special.length - 1)] : Float.intBitsToFloat(randomInt()) % 1e30f;
    }
    MatrixCandidate candidate = new MatrixCandidate(randomFloat(), randomAlphaOfLength(5), vector);
    assertEquals(candidate, roundTrip(candidate, MatrixCandidate::new));

    BytesStreamOutput corrupt = new BytesStreamOutput();
    corrupt.writeFloat(1f);
    corrupt.writeString("k");
    corrupt.writeVInt(-3);
    IOException e = expectThrows(IOException.class, () -> new MatrixCandidate(corrupt.bytes().streamInput()));
    assertEquals("invalid vector length [-3] in a similarity_matrix shard result", e.getMessage());
  }

  public void testPartialReducesGiveTheSameMatrixAsOne() {
    int dims = randomIntBetween(1, 8);
    InternalSimilarityMatrix.Columns mode = randomFrom(InternalSimilarityMatrix.Columns.ROWS, InternalSimilarityMatrix.Columns.FILTER);
    int size = randomIntBetween(1, 10);
    VectorSimilarity similarity = randomFrom(VectorSimilarity.values());
    List<InternalAggregation> shards = new ArrayList<>();
    for (int i = 0; i < randomIntBetween(1, 6); i++) {
      shards.add(randomShardResult(dims, mode, size, similarity));
    }
    InternalSimilarityMatrix once = (InternalSimilarityMatrix) shards.get(0).reduce(shards, finalReduce());
    List<InternalAggregation> shuffled = new ArrayList<>(shards);
    Collections.shuffle(shuffled, random());
    int split = randomIntBetween(1, shuffled.size());
    InternalAggregation partial = shuffled.get(0).reduce(shuffled.subList(0, split), partialReduce());
    List<InternalAggregation> rest = new ArrayList<>(shuffled.subList(split, shuffled.size()));
    rest.add(partial);
    InternalSimilarityMatrix twice = (InternalSimilarityMatrix) partial.reduce(rest, finalReduce());
    assertEquals(once.rowKeys(), twice.rowKeys());
    assertEquals(once.columnKeys(), twice.columnKeys());
    assertTrue(java.util.Arrays.deepEquals(once.matrix(), twice.matrix()));
  }

  public void testJsonAsTheContractShowsIt() throws IOException {
    List<MatrixCandidate> rows = List.of(new MatrixCandidate(2f, "d1", new float[] {1, 0}), new MatrixCandidate(1f, "d7", new float[] {0, 1}));
    List<MatrixCandidate> cols = List.of(new MatrixCandidate(0f, "0", new float[] {1, 1}));
    InternalSimilarityMatrix shard = new InternalSimilarityMatrix("sims", "v", VectorSimilarity.COSINE, 2,
        InternalSimilarityMatrix.Columns.VECTORS, 2, rows, cols, "scalar", false, null, null);
    InternalSimilarityMatrix result = (InternalSimilarityMatrix) shard.reduce(List.of(shard), finalReduce());
    var builder = org.opensearch.common.xcontent.json.JsonXContent.contentBuilder().startObject();
    result.toXContent(builder, ToXContent.EMPTY_PARAMS);
    Map<String, Object> json = XContentHelper.convertToMap(BytesReference.bytes(builder.endObject()), false, XContentType.JSON).v2();
    @SuppressWarnings("unchecked")
    Map<String, Object> sims = (Map<String, Object>) json.get("sims");
    assertEquals("cosine", sims.get("similarity"));
    assertEquals(List.of("d1", "d7"), sims.get("rows"));
    assertEquals(List.of("0"), sims.get("columns"));
    List<?> matrix = (List<?>) sims.get("matrix");
    assertEquals(2, matrix.size());
    assertEquals(0.70710677, ((Number) ((List<?>) matrix.get(0)).get(0)).doubleValue(), 1e-6);
  }

  public void testTheMatrixIsComputedWhenWrittenAndReservedWithTheResponseSoFar() throws IOException {
    // 10x10 matrices of 2 dims: one with the kernel's copies asks for 2080 bytes (100 cells at 16, 480 for the copies).
    CircuitBreakerService breakers = new HierarchyCircuitBreakerService(Settings.builder()
        .put("indices.breaker.request.limit", "3000b").put("indices.breaker.total.use_real_memory", false).build(), List.of(),
        new ClusterSettings(Settings.EMPTY, ClusterSettings.BUILT_IN_CLUSTER_SETTINGS));
    BigArrays bigArrays = new BigArrays(null, breakers, CircuitBreaker.REQUEST);
    CircuitBreaker request = breakers.getBreaker(CircuitBreaker.REQUEST);
    InternalAggregation.ReduceContext search = finalReduce(bigArrays);
    InternalSimilarityMatrix bucketA = (InternalSimilarityMatrix) shardResultOf(10, 2).reduce(List.of(shardResultOf(10, 2)), search);
    InternalSimilarityMatrix bucketB = (InternalSimilarityMatrix) shardResultOf(10, 2).reduce(List.of(shardResultOf(10, 2)), search);

    // One response with both: the first fits, the second comes on top of the first's JSON (about 1.2 kB) and does not.
    XContentBuilder response = new XContentBuilder(JsonXContent.jsonXContent, new BytesStreamOutput()).startObject();
    bucketA.toXContent(response, ToXContent.EMPTY_PARAMS);
    assertEquals(0, request.getUsed());
    CircuitBreakingException e = expectThrows(CircuitBreakingException.class, () -> bucketB.toXContent(response, ToXContent.EMPTY_PARAMS));
    assertTrue(e.getMessage(), e.getMessage().startsWith("[request] Data too large, data for [<similarity_matrix>] would be ["));
    assertEquals(0, request.getUsed());

    // Alone in a response, the second fits too.
    XContentBuilder alone = new XContentBuilder(JsonXContent.jsonXContent, new BytesStreamOutput()).startObject();
    bucketB.toXContent(alone, ToXContent.EMPTY_PARAMS);
    assertEquals(0, request.getUsed());
    Map<String, Object> json = XContentHelper.convertToMap(BytesReference.bytes(alone.endObject()), false, XContentType.JSON).v2();
    assertEquals(10, ((List<?>) ((Map<?, ?>) json.get("sims")).get("matrix")).size());
  }

  public void testTheReservationCoversTheKernelsCopies() {
    for (VectorKernel kernel : List.of(VectorKernel.scalar(), VectorKernel.best())) {
      // 10x10 of 2 dims: 100 cells at 16 bytes, 20 normalised copies (16 + 8 bytes each) and the kernel's own copies.
      long needed = 100 * InternalSimilarityMatrix.BYTES_PER_CELL + 480 + kernel.dotProductsScratchBytes(10, 10, 2);
      for (long limit : new long[] {needed - 1, needed}) {
        CircuitBreakerService breakers = new HierarchyCircuitBreakerService(Settings.builder()
            .put("indices.breaker.request.limit", limit + "b").put("indices.breaker.total.use_real_memory", false).build(),
            List.of(), new ClusterSettings(Settings.EMPTY, ClusterSettings.BUILT_IN_CLUSTER_SETTINGS));
        InternalSimilarityMatrix reduced = (InternalSimilarityMatrix) shardResultOf(10, 2, kernel.name())
            .reduce(List.of(shardResultOf(10, 2, kernel.name())), finalReduce(new BigArrays(null, breakers, CircuitBreaker.REQUEST)));
        if (limit < needed) {
          CircuitBreakingException e = expectThrows(CircuitBreakingException.class, reduced::matrix);
          assertTrue(e.getMessage(), e.getMessage().contains("would be [" + needed + "/"));
        } else {
          assertEquals(10, reduced.matrix().length);
        }
        assertEquals(kernel + " limit " + limit, 0, breakers.getBreaker(CircuitBreaker.REQUEST).getUsed());
      }
    }
  }

  public void testTheFinalReduceComputesNothing() {
    // Under terms, OpenSearch reduces more buckets than it returns: the reduce itself must not compute (or reserve).
    CircuitBreakerService breakers = new HierarchyCircuitBreakerService(Settings.builder()
        .put("indices.breaker.request.limit", "1b").put("indices.breaker.total.use_real_memory", false).build(), List.of(),
        new ClusterSettings(Settings.EMPTY, ClusterSettings.BUILT_IN_CLUSTER_SETTINGS));
    InternalSimilarityMatrix shard = shardResultOf(10, 2);
    InternalSimilarityMatrix reduced = (InternalSimilarityMatrix) shard.reduce(List.of(shard),
        finalReduce(new BigArrays(null, breakers, CircuitBreaker.REQUEST)));
    assertEquals(shard.rowKeys(), reduced.rowKeys());
    expectThrows(CircuitBreakingException.class, reduced::matrix);
  }

  public void testSimilaritiesThatDifferAcrossIndicesAreABadRequest() {
    InternalSimilarityMatrix.Columns mode = randomFrom(InternalSimilarityMatrix.Columns.values());
    InternalSimilarityMatrix cosine = randomShardResult(2, mode, 5, VectorSimilarity.COSINE);
    InternalSimilarityMatrix l2 = randomShardResult(2, mode, 5, VectorSimilarity.L2);
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> cosine.reduce(List.of(cosine, l2), randomBoolean() ? finalReduce() : partialReduce()));
    assertEquals("[similarity_matrix] [sims] field [v] has similarity [cosine] in some indices and [l2] in others; "
        + "give [similarity] in the request", e.getMessage());
    assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
  }

  public void testDimensionsThatDifferAcrossIndicesAreABadRequest() {
    InternalSimilarityMatrix.Columns rowsMode = InternalSimilarityMatrix.Columns.ROWS;
    InternalSimilarityMatrix.Columns filterMode = InternalSimilarityMatrix.Columns.FILTER;
    // Rows of different dims, or (the rows of one index being empty) only columns of different dims.
    List<InternalSimilarityMatrix[]> conflicts = List.of(
        new InternalSimilarityMatrix[] {shardResult(rowsMode, candidates(3, 3), List.of()),
            shardResult(rowsMode, candidates(2, 4), List.of())},
        new InternalSimilarityMatrix[] {shardResult(filterMode, candidates(3, 3), candidates(2, 3)),
            shardResult(filterMode, List.of(), candidates(2, 4))});
    for (InternalSimilarityMatrix[] shards : conflicts) {
      IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
          () -> shards[0].reduce(List.of(shards), randomBoolean() ? finalReduce() : partialReduce()));
      assertEquals("[similarity_matrix] [sims] field [v] has [3] dimensions in some indices and [4] in others; "
          + "one matrix needs one number of dimensions", e.getMessage());
      assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
    }

    // An empty result (an index without matches) has no dimensions to conflict with.
    InternalSimilarityMatrix three = shardResult(filterMode, candidates(3, 3), candidates(2, 3));
    InternalSimilarityMatrix empty = shardResult(filterMode, List.of(), List.of());
    InternalSimilarityMatrix reduced = (InternalSimilarityMatrix) three.reduce(List.of(three, empty), finalReduce());
    assertEquals(three.rowKeys(), reduced.rowKeys());
    assertEquals(3, reduced.matrix().length);
  }

  private static InternalSimilarityMatrix shardResult(InternalSimilarityMatrix.Columns mode, List<MatrixCandidate> rows,
      List<MatrixCandidate> columns) {
    rows = new ArrayList<>(rows);
    rows.sort(MatrixCandidate.BEST_FIRST);
    return new InternalSimilarityMatrix("sims", "v", VectorSimilarity.COSINE, 5, mode, 5, rows,
        mode == InternalSimilarityMatrix.Columns.ROWS ? List.of() : columns, "scalar", false, null, null);
  }

  private static InternalSimilarityMatrix shardResultOf(int rows, int dims) {
    return shardResultOf(rows, dims, "scalar");
  }

  private static InternalSimilarityMatrix shardResultOf(int rows, int dims, String kernel) {
    List<MatrixCandidate> candidates = candidates(rows, dims);
    candidates.sort(MatrixCandidate.BEST_FIRST);
    return new InternalSimilarityMatrix("sims", "v", VectorSimilarity.DOT_PRODUCT, rows,
        InternalSimilarityMatrix.Columns.ROWS, rows, candidates, List.of(), kernel, false, null, null);
  }

  private static InternalSimilarityMatrix randomShardResult(int dims, InternalSimilarityMatrix.Columns mode) {
    return randomShardResult(dims, mode, randomIntBetween(1, 10), randomFrom(VectorSimilarity.values()));
  }

  /** A shard's result; every shard of one request has the same size and similarity. */
  private static InternalSimilarityMatrix randomShardResult(int dims, InternalSimilarityMatrix.Columns mode, int size,
      VectorSimilarity similarity) {
    List<MatrixCandidate> rows = candidates(randomIntBetween(0, size), dims);
    rows.sort(MatrixCandidate.BEST_FIRST);
    List<MatrixCandidate> cols = mode == InternalSimilarityMatrix.Columns.ROWS ? List.of() : candidates(randomIntBetween(1, 5), dims);
    return new InternalSimilarityMatrix("sims", "v", similarity, size, mode, 5, rows, cols, "scalar", false, null,
        null);
  }

  private static List<MatrixCandidate> candidates(int n, int dims) {
    List<MatrixCandidate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[dims];
      for (int k = 0; k < dims; k++) {
        v[k] = randomFloat();
      }
      out.add(new MatrixCandidate(randomInt(5), randomAlphaOfLength(3), v));
    }
    return out;
  }

  private static InternalAggregation.ReduceContext finalReduce() {
    return finalReduce(null);
  }

  private static InternalAggregation.ReduceContext finalReduce(BigArrays bigArrays) {
    return InternalAggregation.ReduceContext.forFinalReduction(bigArrays, null, b -> {}, PipelineAggregator.PipelineTree.EMPTY);
  }

  private static InternalAggregation.ReduceContext partialReduce() {
    return InternalAggregation.ReduceContext.forPartialReduction(null, null, () -> PipelineAggregator.PipelineTree.EMPTY);
  }
}
