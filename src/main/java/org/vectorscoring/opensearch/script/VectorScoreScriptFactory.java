package org.vectorscoring.opensearch.script;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.script.ScoreScript;
import org.opensearch.search.lookup.SearchLookup;
import org.vectorscoring.lucene.QueryVector;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorParsing;
import org.vectorscoring.opensearch.VectorScoringSettings;
import org.vectorscoring.opensearch.mapper.DenseVectorFieldType;

/**
 * A compiled {@code vector_scoring} script: per query it checks the params once and computes the query vector's
 * norm once, then hands out one script per segment.
 */
final class VectorScoreScriptFactory implements ScoreScript.Factory {

  private final VectorSimilarity similarity;

  VectorScoreScriptFactory(VectorSimilarity similarity) {
    this.similarity = similarity;
  }

  @Override
  public boolean isResultDeterministic() {
    return true;
  }

  @Override
  public ScoreScript.LeafFactory newFactory(Map<String, Object> params, SearchLookup lookup, IndexSearcher searcher) {
    String prefix = "[" + VectorScoringScriptEngine.NAME + "] ";
    Object field = params.get("field");
    if (field == null) {
      throw new IllegalArgumentException(prefix + "needs params [field], the dense_vector field to score");
    }
    if (field instanceof String == false) {
      throw new IllegalArgumentException(prefix + "params [field] must be a field name, not [" + field + "]");
    }
    if (params.containsKey("query_vector") == false) {
      throw new IllegalArgumentException(prefix + "needs params [query_vector], the vector to score against");
    }
    float[] vector = VectorParsing.fromList(params.get("query_vector"), prefix + "params [query_vector]", VectorScoringSettings.DIMS_LIMIT);
    MappedFieldType type = lookup.doc().mapperService().fieldType((String) field);
    DenseVectorFieldType vectorType = DenseVectorFieldType.of(type, (String) field, prefix);
    QueryVector queryVector;
    try {
      queryVector = vectorType.queryVector(vector, similarity);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(prefix + e.getMessage(), e);
    }
    // Counted on the first segment scored, not here: a shard builds the script again for the fetch phase.
    AtomicBoolean counted = new AtomicBoolean();
    return new ScoreScript.LeafFactory() {
      @Override
      public boolean needs_score() {
        return false;
      }

      @Override
      public ScoreScript newInstance(LeafReaderContext context) throws IOException {
        if (counted.compareAndSet(false, true)) {
          vectorType.stats().onScript();
        }
        return new VectorScoreScript(context, queryVector);
      }
    };
  }
}
