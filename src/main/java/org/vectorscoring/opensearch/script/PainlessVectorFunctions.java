package org.vectorscoring.opensearch.script;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.opensearch.index.fielddata.ScriptDocValues;
import org.opensearch.script.ScoreScript;
import org.vectorscoring.lucene.QueryVector;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.VectorParsing;
import org.vectorscoring.opensearch.VectorScoringSettings;
import org.vectorscoring.opensearch.mapper.DenseVectorScriptDocValues;

/**
 * Painless functions with Elasticsearch's names and argument order, {@code cosineSimilarity(params.qv, 'field')},
 * {@code dotProduct(…)} and {@code l2norm(…)}, returning the raw similarity. Each is a Painless class binding: one
 * instance per script and call site, so the query vector is checked and its norm computed once, not per document.
 */
public final class PainlessVectorFunctions {

  private PainlessVectorFunctions() {}

  /** What the three bindings share: the checked query vector and the field's doc values. */
  abstract static class Binding {
    private final ScoreScript script;
    private final String field;
    private final QueryVector queryVector;
    /** The script's own {@code doc[field]}, kept: looking it up by name for every document cost 5-7% of a pass. */
    private final DenseVectorScriptDocValues values;

    Binding(ScoreScript script, List<?> queryVector, String field, VectorSimilarity similarity, String function) {
      this.script = script;
      this.field = field;
      String prefix = "[" + function + "] ";
      float[] vector = VectorParsing.fromList(queryVector, prefix + "query vector", VectorScoringSettings.DIMS_LIMIT);
      this.values = docValues(prefix);
      try {
        this.queryVector = values.fieldType().queryVector(vector, similarity);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(prefix + e.getMessage(), e);
      }
    }

    private DenseVectorScriptDocValues docValues(String prefix) {
      ScriptDocValues<?> values = script.getDoc().get(field);
      if (values instanceof DenseVectorScriptDocValues vectors) {
        return vectors;
      }
      throw new IllegalArgumentException(prefix + "field [" + field + "] is not a [dense_vector] field");
    }

    final double similarity() {
      try {
        // Where doc[field] would position them; the script's lookup holds the same instance, so either may go first.
        values.setNextDocId(script._getDocId());
        if (values.hasVector() == false) {
          throw new IllegalArgumentException("[" + field + "] a document has no vector; skip such documents with doc['" + field
              + "'].size() == 0");
        }
        return values.similarity(queryVector);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code cosineSimilarity(queryVector, field)}: the cosine of the query vector and the document's, in [-1, 1]. */
  public static final class CosineSimilarity extends Binding {
    public CosineSimilarity(ScoreScript script, List<?> queryVector, String field) {
      super(script, queryVector, field, VectorSimilarity.COSINE, "cosineSimilarity");
    }

    public double cosineSimilarity() {
      return similarity();
    }
  }

  /** {@code dotProduct(queryVector, field)}: the dot product of the query vector and the document's. */
  public static final class DotProduct extends Binding {
    public DotProduct(ScoreScript script, List<?> queryVector, String field) {
      super(script, queryVector, field, VectorSimilarity.DOT_PRODUCT, "dotProduct");
    }

    public double dotProduct() {
      return similarity();
    }
  }

  /** {@code l2norm(queryVector, field)}: the Euclidean distance between the query vector and the document's. */
  public static final class L2Norm extends Binding {
    public L2Norm(ScoreScript script, List<?> queryVector, String field) {
      super(script, queryVector, field, VectorSimilarity.L2, "l2norm");
    }

    public double l2norm() {
      return similarity();
    }
  }
}
