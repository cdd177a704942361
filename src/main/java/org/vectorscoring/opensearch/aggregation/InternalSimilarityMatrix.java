package org.vectorscoring.opensearch.aggregation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.search.aggregations.InternalAggregation;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.PairwiseSimilarity;
import org.vectorscoring.lucene.VectorSimilarity;

/**
 * A {@code similarity_matrix} result. Shards send their best row (and column) candidates with their vectors; reduces
 * keep the best across shards; the final reduce computes the matrix, once, and drops nothing else.
 */
public final class InternalSimilarityMatrix extends InternalAggregation {

  /** Where the columns come from. */
  enum Columns {
    /** The rows themselves: an n×n matrix. */
    ROWS,
    /** The best documents of {@code columns.filter}. */
    FILTER,
    /** Vectors given in the request. */
    VECTORS
  }

  private final VectorSimilarity similarity;
  private final int size;
  private final Columns mode;
  private final int columnsSize;
  private final List<MatrixCandidate> rows;
  private final List<MatrixCandidate> columns;
  private final String kernel;
  private final float[][] matrix;

  InternalSimilarityMatrix(String name, VectorSimilarity similarity, int size, Columns mode, int columnsSize, List<MatrixCandidate> rows,
      List<MatrixCandidate> columns, String kernel, float[][] matrix, Map<String, Object> metadata) {
    super(name, metadata);
    this.similarity = similarity;
    this.size = size;
    this.mode = mode;
    this.columnsSize = columnsSize;
    this.rows = rows;
    this.columns = columns;
    this.kernel = kernel;
    this.matrix = matrix;
  }

  public InternalSimilarityMatrix(StreamInput in) throws IOException {
    super(in);
    similarity = VectorSimilarity.fromName(in.readString());
    size = in.readVInt();
    mode = in.readEnum(Columns.class);
    columnsSize = in.readVInt();
    rows = in.readList(MatrixCandidate::new);
    columns = in.readList(MatrixCandidate::new);
    kernel = in.readString();
    matrix = in.readBoolean() ? in.readArray(StreamInput::readFloatArray, float[][]::new) : null;
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    out.writeString(similarity.externalName());
    out.writeVInt(size);
    out.writeEnum(mode);
    out.writeVInt(columnsSize);
    out.writeList(rows);
    out.writeList(columns);
    out.writeString(kernel);
    out.writeBoolean(matrix != null);
    if (matrix != null) {
      out.writeArray(StreamOutput::writeFloatArray, matrix);
    }
  }

  @Override
  public String getWriteableName() {
    return SimilarityMatrixAggregationBuilder.NAME;
  }

  /** Row labels, best row first. */
  public List<String> rowKeys() {
    return rows.stream().map(MatrixCandidate::key).toList();
  }

  /** Column labels: the row labels for an n×n matrix. */
  public List<String> columnKeys() {
    return (mode == Columns.ROWS ? rows : columns).stream().map(MatrixCandidate::key).toList();
  }

  /** The raw similarities, rows × columns; null until the final reduce. */
  public float[][] matrix() {
    return matrix;
  }

  public VectorSimilarity similarity() {
    return similarity;
  }

  @Override
  public InternalAggregation reduce(List<InternalAggregation> aggregations, ReduceContext reduceContext) {
    List<List<MatrixCandidate>> rowLists = new ArrayList<>();
    List<List<MatrixCandidate>> columnLists = new ArrayList<>();
    for (InternalAggregation aggregation : aggregations) {
      InternalSimilarityMatrix shard = (InternalSimilarityMatrix) aggregation;
      rowLists.add(shard.rows);
      columnLists.add(shard.columns);
    }
    List<MatrixCandidate> bestRows = TopCandidates.merge(rowLists, size);
    List<MatrixCandidate> bestColumns = switch (mode) {
      case ROWS -> List.of();
      case FILTER -> TopCandidates.merge(columnLists, columnsSize);
      case VECTORS -> columns;
    };
    float[][] computed = null;
    if (reduceContext.isFinalReduce()) {
      computed = compute(bestRows, mode == Columns.ROWS ? bestRows : bestColumns, reduceContext);
    }
    return new InternalSimilarityMatrix(name, similarity, size, mode, columnsSize, bestRows, bestColumns, kernel, computed, metadata);
  }

  private float[][] compute(List<MatrixCandidate> rowCandidates, List<MatrixCandidate> columnCandidates, ReduceContext reduceContext) {
    float[][] a = rowCandidates.stream().map(MatrixCandidate::vector).toArray(float[][]::new);
    // The same array for an n×n matrix: the kernel then computes each pair once and mirrors it.
    float[][] b = columnCandidates == rowCandidates ? a : columnCandidates.stream().map(MatrixCandidate::vector).toArray(float[][]::new);
    VectorKernel kernelToUse = kernel.equals(VectorKernel.scalar().name()) ? VectorKernel.scalar() : VectorKernel.best();
    CircuitBreaker breaker = reduceContext.bigArrays() == null ? null
        : reduceContext.bigArrays().breakerService().getBreaker(CircuitBreaker.REQUEST);
    if (breaker == null) {
      return PairwiseSimilarity.pairwise(a, b, similarity, kernelToUse);
    }
    // Asked of the breaker before anything is allocated: the normalised copies the kernel makes, and this matrix with
    // the ones this search computed before it (in memory and as JSON), which all stay until the response is written.
    int dims = a.length > 0 ? a[0].length : 0;
    long copies = 16L * (a.length + b.length) + (long) (a.length + b.length) * dims * Float.BYTES;
    long bytes = copies + ReducedMatrices.add(reduceContext, (long) a.length * b.length);
    breaker.addEstimateBytesAndMaybeBreak(bytes, "<similarity_matrix>");
    try {
      return PairwiseSimilarity.pairwise(a, b, similarity, kernelToUse);
    } finally {
      breaker.addWithoutBreaking(-bytes);
    }
  }

  @Override
  protected boolean mustReduceOnSingleInternalAgg() {
    return true;
  }

  @Override
  public Object getProperty(List<String> path) {
    if (path.isEmpty()) {
      return this;
    }
    return switch (path.get(0)) {
      case "rows" -> rowKeys();
      case "columns" -> columnKeys();
      case "matrix" -> matrix;
      default -> throw new IllegalArgumentException("path not supported for [" + getName() + "]: " + path);
    };
  }

  @Override
  public XContentBuilder doXContentBody(XContentBuilder builder, Params params) throws IOException {
    builder.field("similarity", similarity.externalName());
    builder.field("rows", rowKeys());
    builder.field("columns", columnKeys());
    builder.startArray("matrix");
    if (matrix != null) {
      for (float[] row : matrix) {
        builder.value(row);
      }
    }
    return builder.endArray();
  }

  @Override
  public boolean equals(Object obj) {
    if (super.equals(obj) == false) {
      return false;
    }
    InternalSimilarityMatrix other = (InternalSimilarityMatrix) obj;
    return similarity == other.similarity && size == other.size && mode == other.mode && columnsSize == other.columnsSize
        && rows.equals(other.rows) && columns.equals(other.columns) && kernel.equals(other.kernel)
        && Arrays.deepEquals(matrix, other.matrix);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), similarity, size, mode, columnsSize, rows, columns, kernel, Arrays.deepHashCode(matrix));
  }
}
