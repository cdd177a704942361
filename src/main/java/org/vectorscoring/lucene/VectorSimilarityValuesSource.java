package org.vectorscoring.lucene;

import java.io.IOException;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DoubleValues;
import org.apache.lucene.search.DoubleValuesSource;
import org.apache.lucene.search.IndexSearcher;

/**
 * The score (or the raw similarity) of each document's vector against a query vector, as a
 * {@link DoubleValuesSource}: for {@code FunctionScoreQuery} and anything else that combines values.
 * Documents without a vector have no value.
 */
public final class VectorSimilarityValuesSource extends DoubleValuesSource {

  private final QueryVector queryVector;
  private final boolean raw;

  private VectorSimilarityValuesSource(QueryVector queryVector, boolean raw) {
    this.queryVector = queryVector;
    this.raw = raw;
  }

  /** Values are scores, as {@link VectorSimilarity#score(float)}: non-negative, for ranking. */
  public static VectorSimilarityValuesSource scores(QueryVector queryVector) {
    return new VectorSimilarityValuesSource(queryVector, false);
  }

  /** Values are raw similarities s (negative for opposite vectors with cosine or dot product). */
  public static VectorSimilarityValuesSource similarities(QueryVector queryVector) {
    return new VectorSimilarityValuesSource(queryVector, true);
  }

  @Override
  public DoubleValues getValues(LeafReaderContext ctx, DoubleValues scores) throws IOException {
    BinaryDocValues vectors = DocValues.getBinary(ctx.reader(), queryVector.field());
    return new DoubleValues() {
      @Override
      public double doubleValue() throws IOException {
        float s = queryVector.similarity(vectors);
        return raw ? s : queryVector.similarity().score(s);
      }

      @Override
      public boolean advanceExact(int doc) throws IOException {
        return vectors.advanceExact(doc);
      }
    };
  }

  @Override
  public boolean needsScores() {
    return false;
  }

  @Override
  public DoubleValuesSource rewrite(IndexSearcher searcher) {
    return this;
  }

  @Override
  public boolean isCacheable(LeafReaderContext ctx) {
    return DocValues.isCacheable(ctx, queryVector.field());
  }

  @Override
  public int hashCode() {
    return 31 * queryVector.hashCode() + Boolean.hashCode(raw);
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof VectorSimilarityValuesSource other && queryVector.equals(other.queryVector) && raw == other.raw;
  }

  @Override
  public String toString() {
    return (raw ? "similarity" : "score") + "(" + queryVector + ")";
  }
}
