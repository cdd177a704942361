package org.vectorscoring.opensearch;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.plugins.MapperPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.ScriptPlugin;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.script.ScriptContext;
import org.opensearch.script.ScriptEngine;
import org.vectorscoring.opensearch.mapper.DenseVectorFieldMapper;
import org.vectorscoring.opensearch.query.VectorSimilarityQueryBuilder;
import org.vectorscoring.opensearch.script.VectorScoringScriptEngine;

/** Registers what the plugin adds to OpenSearch; the logic lives in the classes it registers. */
public class VectorScoringPlugin extends Plugin implements MapperPlugin, SearchPlugin, ScriptPlugin {

  private final VectorScoringSettings settings;

  public VectorScoringPlugin(Settings settings) {
    this.settings = new VectorScoringSettings(settings);
  }

  @Override
  public List<Setting<?>> getSettings() {
    return VectorScoringSettings.all();
  }

  @Override
  public Map<String, Mapper.TypeParser> getMappers() {
    return Map.of(DenseVectorFieldMapper.CONTENT_TYPE, DenseVectorFieldMapper.typeParser(settings.kernel(), settings.maxDims()));
  }

  @Override
  public List<QuerySpec<?>> getQueries() {
    return List.of(new QuerySpec<>(VectorSimilarityQueryBuilder.NAME, VectorSimilarityQueryBuilder::new,
        VectorSimilarityQueryBuilder::fromXContent));
  }

  @Override
  public ScriptEngine getScriptEngine(Settings settings, Collection<ScriptContext<?>> contexts) {
    return new VectorScoringScriptEngine();
  }
}
