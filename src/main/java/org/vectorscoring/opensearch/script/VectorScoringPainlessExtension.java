package org.vectorscoring.opensearch.script;

import java.util.List;
import java.util.Map;
import org.opensearch.painless.spi.Allowlist;
import org.opensearch.painless.spi.AllowlistLoader;
import org.opensearch.painless.spi.PainlessExtension;
import org.opensearch.script.ScoreScript;
import org.opensearch.script.ScriptContext;

/** Adds the vector functions and {@code doc['field'].vectorValue}/{@code .magnitude} to Painless score scripts. */
public final class VectorScoringPainlessExtension implements PainlessExtension {

  private static final Allowlist ALLOWLIST = AllowlistLoader.loadFromResourceFiles(VectorScoringPainlessExtension.class,
      "painless_allowlist.txt");

  @Override
  public Map<ScriptContext<?>, List<Allowlist>> getContextAllowlists() {
    return Map.of(ScoreScript.CONTEXT, List.of(ALLOWLIST));
  }
}
