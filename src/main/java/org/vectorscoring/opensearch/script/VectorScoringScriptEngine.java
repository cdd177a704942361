package org.vectorscoring.opensearch.script;

import java.util.Map;
import java.util.Set;
import org.opensearch.script.ScoreScript;
import org.opensearch.script.ScriptContext;
import org.opensearch.script.ScriptEngine;
import org.vectorscoring.lucene.VectorSimilarity;

/**
 * The {@code vector_scoring} script language: the source names a similarity ({@code cosine}, {@code dot_product},
 * {@code l2}) and the script returns that score of a field's vectors against {@code params.query_vector}. Only
 * for score contexts ({@code script_score}, {@code function_score}).
 */
public final class VectorScoringScriptEngine implements ScriptEngine {

  public static final String NAME = "vector_scoring";

  @Override
  public String getType() {
    return NAME;
  }

  @Override
  public <T> T compile(String name, String code, ScriptContext<T> context, Map<String, String> params) {
    if (context.equals(ScoreScript.CONTEXT) == false) {
      throw new IllegalArgumentException("[" + NAME + "] scripts score documents, they cannot be used as [" + context.name + "] scripts");
    }
    VectorSimilarity similarity;
    try {
      similarity = VectorSimilarity.fromName(code);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("[" + NAME + "] unknown script source [" + code + "], expected one of " + VectorSimilarity.names());
    }
    return context.factoryClazz.cast(new VectorScoreScriptFactory(similarity));
  }

  @Override
  public Set<ScriptContext<?>> getSupportedContexts() {
    return Set.of(ScoreScript.CONTEXT);
  }
}
