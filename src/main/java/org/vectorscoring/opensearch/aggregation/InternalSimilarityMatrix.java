package org.vectorscoring.opensearch.aggregation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.io.stream.BytesStream;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.search.aggregations.InternalAggregation;
import org.vectorscoring.kernel.VectorKernel;
import org.vectorscoring.lucene.PairwiseSimilarity;
import org.vectorscoring.lucene.VectorSimilarity;

/**
 * A {@code similarity_matrix} result. Shards send their best row (and column) candidates with their vectors; reduces
 * keep the best across shards; the final reduce marks the result complete, and its matrix is computed when it is
 * written into the response (or read through {@link #matrix()}): under {@code terms}, OpenSearch reduces more buckets
 * than it returns, and only those it returns are computed.
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

  /**
   * Memory a matrix cell costs until the response is sent: the float, and about twelve bytes of the JSON the node
   * renders in memory (up to nine significant digits, a sign, a point and a comma; 11.2 a cell measured on random data).
   */
  static final long BYTES_PER_CELL = Float.BYTES + 12;

  /** The vector field, for messages. */
  private final String field;
  private final VectorSimilarity similarity;
  private final int size;
  private final Columns mode;
  private final int columnsSize;
  private final List<MatrixCandidate> rows;
  private final List<MatrixCandidate> columns;
  private final String kernel;
  /** Whether the final reduce made this: the result a user sees, with a matrix. */
  private final boolean complete;
  /** The request breaker of the node that made the final reduce; null for a result read from the wire. Not sent. */
  private final CircuitBreaker breaker;
  /** {@link #matrix()}'s answer, once asked for. */
  private float[][] matrix;

  InternalSimilarityMatrix(String name, String field, VectorSimilarity similarity, int size, Columns mode,
      int columnsSize, List<MatrixCandidate> rows, List<MatrixCandidate> columns, String kernel, boolean complete,
      CircuitBreaker breaker, Map<String, Object> metadata) {
    super(name, metadata);
    this.field = field;
    this.similarity = similarity;
    this.size = size;
    this.mode = mode;
    this.columnsSize = columnsSize;
    this.rows = rows;
    this.columns = columns;
    this.kernel = kernel;
    this.complete = complete;
    this.breaker = breaker;
  }

  public InternalSimilarityMatrix(StreamInput in) throws IOException {
    super(in);
    field = in.readString();
    similarity = VectorSimilarity.fromName(in.readString());
    size = in.readVInt();
    mode = in.readEnum(Columns.class);
    columnsSize = in.readVInt();
    rows = in.readList(MatrixCandidate::new);
    columns = in.readList(MatrixCandidate::new);
    kernel = in.readString();
    complete = in.readBoolean();
    breaker = null;
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    out.writeString(field);
    out.writeString(similarity.externalName());
    out.writeVInt(size);
    out.writeEnum(mode);
    out.writeVInt(columnsSize);
    out.writeList(rows);
    out.writeList(columns);
    out.writeString(kernel);
    out.writeBoolean(complete);
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

  /** The raw similarities, rows × columns, computed on the first call; null before the final reduce. */
  public float[][] matrix() {
    if (complete && matrix == null) {
      matrix = computeReserving(0);
    }
    return matrix;
  }

  public VectorSimilarity similarity() {
    return similarity;
  }

  @Override
  public InternalAggregation reduce(List<InternalAggregation> aggregations, ReduceContext reduceContext) {
    List<List<MatrixCandidate>> rowLists = new ArrayList<>();
    List<List<MatrixCandidate>> columnLists = new ArrayList<>();
    int dims = -1;
    for (InternalAggregation aggregation : aggregations) {
      InternalSimilarityMatrix shard = (InternalSimilarityMatrix) aggregation;
      if (shard.similarity != similarity) {
        // Without [similarity] in the request each index uses its mapping's, and one matrix cannot mix them.
        throw new IllegalArgumentException(prefix() + "field [" + field + "] has similarity ["
            + similarity.externalName() + "] in some indices and [" + shard.similarity.externalName()
            + "] in others; give [similarity] in the request");
      }
      dims = commonDims(shard.rows, dims);
      dims = commonDims(shard.columns, dims);
      rowLists.add(shard.rows);
      columnLists.add(shard.columns);
    }
    List<MatrixCandidate> bestRows = TopCandidates.merge(rowLists, size);
    List<MatrixCandidate> bestColumns = switch (mode) {
      case ROWS -> List.of();
      case FILTER -> TopCandidates.merge(columnLists, columnsSize);
      case VECTORS -> columns;
    };
    boolean last = reduceContext.isFinalReduce();
    CircuitBreaker requestBreaker = last && reduceContext.bigArrays() != null
        ? reduceContext.bigArrays().breakerService().getBreaker(CircuitBreaker.REQUEST) : null;
    return new InternalSimilarityMatrix(name, field, similarity, size, mode, columnsSize, bestRows, bestColumns, kernel,
        last, requestBreaker, metadata);
  }

  /**
   * The dimensions of {@code candidates}' vectors, which must be {@code dims} unless that is -1 (none seen yet):
   * indices whose mappings give the field different dims cannot share a matrix.
   */
  private int commonDims(List<MatrixCandidate> candidates, int dims) {
    for (MatrixCandidate candidate : candidates) {
      int length = candidate.vector().length;
      if (dims == -1) {
        dims = length;
      } else if (length != dims) {
        throw new IllegalArgumentException(prefix() + "field [" + field + "] has [" + dims + "] dimensions in some "
            + "indices and [" + length + "] in others; one matrix needs one number of dimensions");
      }
    }
    return dims;
  }

  private String prefix() {
    return "[" + SimilarityMatrixAggregationBuilder.NAME + "] [" + getName() + "] ";
  }

  /**
   * Computes the matrix after asking the request breaker for {@code alreadyHeld} more bytes (the response written so
   * far), the matrix with its JSON, the normalised copies and the kernel's packed copies; all returned when it is
   * done, because what stays (the response) cannot be followed to its end from here. With {@code terms}, the response
   * written so far holds the matrices of the buckets before, so together they cannot outgrow the breaker.
   */
  private float[][] computeReserving(long alreadyHeld) {
    float[][] a = rows.stream().map(MatrixCandidate::vector).toArray(float[][]::new);
    // The same array for an n×n matrix: the kernel then computes each pair once and mirrors it.
    float[][] b = mode == Columns.ROWS ? a : columns.stream().map(MatrixCandidate::vector).toArray(float[][]::new);
    VectorKernel kernelToUse = kernel.equals(VectorKernel.scalar().name()) ? VectorKernel.scalar() : VectorKernel.best();
    if (breaker == null) {
      return PairwiseSimilarity.pairwise(a, b, similarity, kernelToUse);
    }
    int dims = a.length > 0 ? a[0].length : 0;
    long copies = 16L * (a.length + b.length) + (long) (a.length + b.length) * dims * Float.BYTES
        + kernelToUse.dotProductsScratchBytes(a.length, b.length, dims);
    long bytes = alreadyHeld + (long) a.length * b.length * BYTES_PER_CELL + copies;
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
      case "matrix" -> matrix();
      default -> throw new IllegalArgumentException("path not supported for [" + getName() + "]: " + path);
    };
  }

  @Override
  public XContentBuilder doXContentBody(XContentBuilder builder, Params params) throws IOException {
    builder.field("similarity", similarity.externalName());
    builder.field("rows", rowKeys());
    builder.field("columns", columnKeys());
    builder.startArray("matrix");
    if (complete) {
      // Computed for the response and dropped once written, unless matrix() was asked before.
      float[][] written = matrix != null ? matrix : computeReserving(bytesWritten(builder));
      for (float[] row : written) {
        builder.value(row);
      }
    }
    return builder.endArray();
  }

  /** How much of the response is already rendered, where the builder can tell (REST responses are a BytesStream). */
  private static long bytesWritten(XContentBuilder builder) throws IOException {
    builder.flush();
    if (builder.getOutputStream() instanceof BytesStream stream) {
      return stream.bytes().length();
    }
    return builder.getOutputStream() instanceof ByteArrayOutputStream stream ? stream.size() : 0;
  }

  @Override
  public boolean equals(Object obj) {
    if (super.equals(obj) == false) {
      return false;
    }
    InternalSimilarityMatrix other = (InternalSimilarityMatrix) obj;
    // The matrix follows from the rest.
    return field.equals(other.field) && similarity == other.similarity && size == other.size && mode == other.mode
        && columnsSize == other.columnsSize
        && rows.equals(other.rows) && columns.equals(other.columns) && kernel.equals(other.kernel) && complete == other.complete;
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), field, similarity, size, mode, columnsSize, rows, columns, kernel, complete);
  }
}
