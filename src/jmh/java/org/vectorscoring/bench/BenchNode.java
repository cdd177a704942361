package org.vectorscoring.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.opensearch.Version;
import org.opensearch.action.admin.indices.segments.IndicesSegmentResponse;
import org.opensearch.cluster.health.ClusterHealthStatus;
import org.opensearch.cluster.metadata.MappingMetadata;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.indices.IndicesService;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.node.NodeValidationException;
import org.opensearch.painless.PainlessModulePlugin;
import org.opensearch.plugins.PluginInfo;
import org.opensearch.transport.Netty4ModulePlugin;
import org.opensearch.transport.client.Client;
import org.vectorscoring.opensearch.VectorScoringPlugin;

/**
 * A single OpenSearch node inside the benchmark JVM, with this plugin, Painless and Netty (so it also answers HTTP on
 * 127.0.0.1), on a data directory that outlives the JVM: the first JMH fork builds an index, later forks find it.
 */
final class BenchNode implements Closeable {

  /** Key in an index's mapping {@code _meta} saying which build filled it, written only once the build completed. */
  private static final String BUILT = "vector_scoring_bench";

  private final Node node;

  private BenchNode(Node node) {
    this.node = node;
  }

  /** Starts a node whose home and data live in {@code home}, and waits until its indices are green. */
  static BenchNode start(Path home) throws NodeValidationException {
    Settings settings = Settings.builder()
        .put("cluster.name", "vector-scoring-bench")
        .put("node.name", "bench")
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("discovery.type", "single-node")
        .put("network.host", "127.0.0.1")
        .put("http.port", "0")
        .put("transport.port", "0")
        // Other processes fill this machine's disk at times; a benchmark must not turn read-only because of that.
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .build();
    List<PluginInfo> plugins = List.of(plugin(PainlessModulePlugin.class, List.of()), plugin(Netty4ModulePlugin.class, List.of()),
        // Declared as extending Painless, as the plugin zip's descriptor does, so Painless loads our functions.
        plugin(VectorScoringPlugin.class, List.of(PainlessModulePlugin.class.getName())));
    Node node = new Node(InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "bench"), plugins, true) {};
    node.start();
    BenchNode bench = new BenchNode(node);
    ClusterHealthStatus health = bench.client().admin().cluster().prepareHealth().setWaitForGreenStatus()
        .setTimeout(TimeValue.timeValueMinutes(5)).get().getStatus();
    if (health != ClusterHealthStatus.GREEN) {
      bench.close();
      throw new IllegalStateException("the benchmark node in [" + home + "] is [" + health + "], not green; delete the directory "
          + "to rebuild its indices");
    }
    return bench;
  }

  private static PluginInfo plugin(Class<?> plugin, List<String> extended) {
    return new PluginInfo(plugin.getName(), "classpath plugin", "NA", Version.CURRENT, "21", plugin.getName(), null, extended, false);
  }

  /** The node client: requests go in and out as Java objects, with no HTTP and no JSON. */
  Client client() {
    return node.client();
  }

  /** Shard 0 of {@code index} on this node. */
  IndexShard shard(String index) {
    IndicesService indices = node.injector().getInstance(IndicesService.class);
    return indices.indexServiceSafe(indices.clusterService().state().metadata().index(index).getIndex()).getShard(0);
  }

  /** Where the node answers HTTP. */
  URI http() {
    InetSocketAddress address = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress().address();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  /**
   * Makes sure {@code index} holds what {@code build} puts in it: keeps an index an identical build ({@code fingerprint})
   * completed in an earlier JVM, and otherwise deletes what is there and runs {@code build}, which must create the index.
   */
  void ensureIndex(String index, String fingerprint, IndexBuild build) throws IOException {
    String existing = builtFingerprint(index);
    if (fingerprint.equals(existing)) {
      return;
    }
    if (exists(index)) {
      client().admin().indices().prepareDelete(index).get();
    }
    build.run(client());
    client().admin().indices().preparePutMapping(index).setSource(Map.of("_meta", Map.of(BUILT, fingerprint))).get();
    client().admin().indices().prepareFlush(index).get();
  }

  /** Builds an index through the client. */
  @FunctionalInterface
  interface IndexBuild {
    void run(Client client) throws IOException;
  }

  private boolean exists(String index) {
    return client().admin().indices().prepareExists(index).get().isExists();
  }

  private String builtFingerprint(String index) {
    try {
      MappingMetadata mapping = client().admin().indices().prepareGetMappings(index).get().mappings().get(index);
      Object meta = mapping == null ? null : mapping.sourceAsMap().get("_meta");
      return meta instanceof Map<?, ?> map && map.get(BUILT) instanceof String value ? value : null;
    } catch (IndexNotFoundException e) {
      return null;
    }
  }

  /** Segments of {@code index} across its shards: after a force merge to one segment on one shard, 1. */
  int segments(String index) {
    IndicesSegmentResponse response = client().admin().indices().prepareSegments(index).get();
    return response.getIndices().get(index).getShards().values().stream()
        .mapToInt(shard -> shard.getAt(0).getSegments().size()).sum();
  }

  @Override
  public void close() {
    try {
      node.close();
      if (node.awaitClose(1, TimeUnit.MINUTES) == false) {
        throw new IllegalStateException("the benchmark node did not stop within a minute");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
