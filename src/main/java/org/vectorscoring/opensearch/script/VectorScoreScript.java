package org.vectorscoring.opensearch.script;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.opensearch.script.ScoreScript;
import org.opensearch.search.lookup.SearchLookup;
import org.vectorscoring.lucene.QueryVector;

/**
 * One segment's {@code vector_scoring} script: the score of §2 for each document's stored vector, read straight
 * from doc values. A document without a vector scores 0, below every vector's score.
 */
final class VectorScoreScript extends ScoreScript {

  private final QueryVector queryVector;
  private final BinaryDocValues vectors;
  private boolean hasVector;

  VectorScoreScript(Map<String, Object> params, SearchLookup lookup, IndexSearcher searcher, LeafReaderContext context,
      QueryVector queryVector) throws IOException {
    super(params, lookup, searcher, context);
    this.queryVector = queryVector;
    this.vectors = context.reader().getBinaryDocValues(queryVector.field());
  }

  @Override
  public void setDocument(int docid) {
    super.setDocument(docid);
    try {
      hasVector = vectors != null && vectors.advanceExact(docid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public double execute(ExplanationHolder explanation) {
    if (hasVector == false) {
      if (explanation != null) {
        explanation.set("no vector in [" + queryVector.field() + "], score 0");
      }
      return 0;
    }
    try {
      float s = queryVector.similarity(vectors);
      float score = queryVector.similarity().score(s);
      if (explanation != null) {
        explanation.set(queryVector.similarity().externalName() + " similarity of [" + queryVector.field()
            + "] to params.query_vector is [" + s + "], score [" + score + "]");
      }
      return score;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
