package org.vectorscoring.opensearch;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.opensearch.action.ActionRequest;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.EnginePlugin;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.codec.CodecServiceFactory;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.opensearch.script.ScriptService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;
import org.vectorscoring.opensearch.rest.RestVectorScoringStatsAction;
import org.vectorscoring.opensearch.stats.TransportVectorScoringStatsAction;
import org.vectorscoring.opensearch.stats.VectorScoringStats;
import org.vectorscoring.opensearch.stats.VectorScoringStatsAction;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.plugins.MapperPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.ScriptPlugin;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.script.ScriptContext;
import org.opensearch.script.ScriptEngine;
import org.vectorscoring.opensearch.codec.DenseVectorCodecService;
import org.vectorscoring.opensearch.aggregation.InternalSimilarityMatrix;
import org.vectorscoring.opensearch.aggregation.SimilarityMatrixAggregationBuilder;
import org.vectorscoring.opensearch.mapper.DenseVectorFieldMapper;
import org.vectorscoring.opensearch.query.VectorSimilarityQueryBuilder;
import org.vectorscoring.opensearch.script.VectorScoringScriptEngine;

/** Registers what the plugin adds to OpenSearch; the logic lives in the classes it registers. */
public class VectorScoringPlugin extends Plugin implements ActionPlugin, EnginePlugin, MapperPlugin, SearchPlugin, ScriptPlugin {

  private final VectorScoringSettings settings;
  private final VectorScoringStats stats = new VectorScoringStats();

  public VectorScoringPlugin(Settings settings) {
    this.settings = new VectorScoringSettings(settings);
  }

  // Returned objects are bound for injection: the stats transport action receives both.
  @Override
  public Collection<Object> createComponents(Client client, ClusterService clusterService, ThreadPool threadPool,
      ResourceWatcherService resourceWatcherService, ScriptService scriptService, NamedXContentRegistry xContentRegistry,
      Environment environment, NodeEnvironment nodeEnvironment, NamedWriteableRegistry namedWriteableRegistry,
      IndexNameExpressionResolver indexNameExpressionResolver, Supplier<RepositoriesService> repositoriesServiceSupplier) {
    return List.of(stats, settings);
  }

  @Override
  public List<Setting<?>> getSettings() {
    return VectorScoringSettings.all();
  }

  @Override
  public Optional<CodecServiceFactory> getCustomCodecServiceFactory(IndexSettings indexSettings) {
    return DenseVectorCodecService.factoryFor(indexSettings);
  }

  @Override
  public Map<String, Mapper.TypeParser> getMappers() {
    return Map.of(DenseVectorFieldMapper.CONTENT_TYPE, DenseVectorFieldMapper.typeParser(settings.kernel(), stats, settings.maxDims()));
  }

  @Override
  public List<AggregationSpec> getAggregations() {
    return List.of(new AggregationSpec(SimilarityMatrixAggregationBuilder.NAME, SimilarityMatrixAggregationBuilder::new,
        (XContentParser parser, String name) -> SimilarityMatrixAggregationBuilder.parse(name, parser, settings.matrixMaxSize()))
        .addResultReader(InternalSimilarityMatrix::new));
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

  @Override
  public List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
    return List.of(new ActionHandler<>(VectorScoringStatsAction.INSTANCE, TransportVectorScoringStatsAction.class));
  }

  @Override
  public List<RestHandler> getRestHandlers(Settings settings, RestController restController, ClusterSettings clusterSettings,
      IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter, IndexNameExpressionResolver indexNameExpressionResolver,
      Supplier<DiscoveryNodes> nodesInCluster) {
    return List.of(new RestVectorScoringStatsAction());
  }
}
