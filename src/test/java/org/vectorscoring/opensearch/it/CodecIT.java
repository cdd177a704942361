package org.vectorscoring.opensearch.it;

import java.util.Collection;
import java.util.List;
import org.apache.lucene.codecs.perfield.PerFieldDocValuesFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.IndexService;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.indices.IndicesService;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.IndexSettingsModule;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.vectorscoring.lucene.DenseVectorDocValuesFormat;
import org.vectorscoring.opensearch.VectorScoringPlugin;
import org.vectorscoring.opensearch.codec.DenseVectorCodecService;
import org.vectorscoring.opensearch.query.VectorSimilarityQueryBuilder;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

/**
 * The plugin's codec service: {@code dense_vector} doc values in the in-place format unless the index setting says no,
 * every other field as OpenSearch writes it, and the same scores either way.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 1, numClientNodes = 0,
    supportsDedicatedMasters = false)
public class CodecIT extends OpenSearchIntegTestCase {

  @Override
  protected Collection<Class<? extends Plugin>> nodePlugins() {
    return List.of(VectorScoringPlugin.class);
  }

  public void testVectorFieldsAreWrittenInPlaceUnlessTheIndexSaysNo() throws Exception {
    int dims = randomIntBetween(1, 100);
    createIndex("in-place", Settings.EMPTY, dims);
    createIndex("copied", Settings.builder().put("index.vector_scoring.codec", false).build(), dims);
    int n = randomIntBetween(20, 80);
    for (int i = 0; i < n; i++) {
      float[] v = new float[dims];
      for (int k = 0; k < dims; k++) {
        v[k] = randomFloat() * 2 - 1;
      }
      v[0] += 3; // never all zeros
      for (String index : List.of("in-place", "copied")) {
        client().prepareIndex(index).setId(Integer.toString(i)).setSource("v", v, "tag", i % 2 == 0 ? "a" : "b").get();
      }
    }
    flushAndRefresh("in-place", "copied");

    assertEquals(DenseVectorDocValuesFormat.NAME, docValuesFormat("in-place", "v"));
    String lucenes = docValuesFormat("copied", "tag");
    assertEquals("OpenSearch's format for other fields", lucenes, docValuesFormat("in-place", "tag"));
    assertEquals("with index.vector_scoring.codec: false", lucenes, docValuesFormat("copied", "v"));

    float[] q = new float[dims];
    q[0] = 1;
    SearchResponse inPlace = client().prepareSearch("in-place").setQuery(new VectorSimilarityQueryBuilder("v", q)).setSize(n).get();
    SearchResponse copied = client().prepareSearch("copied").setQuery(new VectorSimilarityQueryBuilder("v", q)).setSize(n).get();
    assertEquals(n, inPlace.getHits().getHits().length);
    for (int i = 0; i < n; i++) {
      SearchHit a = inPlace.getHits().getHits()[i];
      SearchHit b = copied.getHits().getHits()[i];
      assertEquals(b.getId(), a.getId());
      assertEquals("scores bit for bit", Float.floatToIntBits(b.getScore()), Float.floatToIntBits(a.getScore()));
    }
  }

  public void testStandsAsideForKnnIndicesAndWhenOff() {
    assertTrue(DenseVectorCodecService.factoryFor(IndexSettingsModule.newIndexSettings("i", Settings.EMPTY)).isPresent());
    assertFalse(DenseVectorCodecService.factoryFor(IndexSettingsModule.newIndexSettings("i",
        Settings.builder().put("index.knn", true).build())).isPresent());
    assertFalse(DenseVectorCodecService.factoryFor(IndexSettingsModule.newIndexSettings("i",
        Settings.builder().put("index.vector_scoring.codec", false).build())).isPresent());
  }

  private void createIndex(String name, Settings settings, int dims) {
    assertAcked(prepareCreate(name).setSettings(Settings.builder().put(settings).put("index.number_of_shards", 1)
        .put("index.number_of_replicas", 0)).setMapping("v", "type=dense_vector,dims=" + dims, "tag", "type=keyword"));
  }

  /** The doc values format the shard's segments recorded for {@code field}. */
  private String docValuesFormat(String index, String field) {
    for (IndicesService indices : internalCluster().getDataNodeInstances(IndicesService.class)) {
      IndexService service = indices.indexService(resolveIndex(index));
      if (service == null) {
        continue;
      }
      IndexShard shard = service.getShard(0);
      try (Engine.Searcher searcher = shard.acquireSearcher("test")) {
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
          FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
          if (info != null) {
            return info.getAttribute(PerFieldDocValuesFormat.PER_FIELD_FORMAT_KEY);
          }
        }
      }
    }
    throw new AssertionError("no segment of [" + index + "] has [" + field + "]");
  }
}
