package org.vectorscoring.realnode;

import java.io.IOException;
import java.util.Map;
import org.junit.AfterClass;
import org.opensearch.client.RestClient;
import org.vectorscoring.lucene.VectorSimilarity;

/**
 * A test class with one real node of its own, started once for all its tests: a node start costs 15–45 s here. The
 * subclass starts it from its {@code @BeforeClass} with its own name and settings; this class closes it.
 */
@SuppressWarnings("deprecation") // RestClient: see RealNodeTestBase
public abstract class RealSingleNodeTestCase extends RealNodeTestBase {

  private static RealOpenSearch node;

  /** Installs a node {@code name} with {@code settings} in its {@code opensearch.yml} and starts it. */
  protected static void startNode(String name, Map<String, String> settings) throws IOException, InterruptedException {
    node = RealOpenSearch.install(name, settings);
    node.start();
  }

  // JUnit runs this after the subclass's @AfterClass, so that still has the node. LuceneTestCase fails a class whose
  // static fields hold large objects after it: the field is cleared even if closing fails.
  @AfterClass
  public static void closeNode() throws IOException {
    if (node != null) {
      try {
        node.close();
      } finally {
        node = null;
      }
    }
  }

  protected static RealOpenSearch node() {
    return node;
  }

  protected static RestClient client() {
    return node.client();
  }

  protected static VectorSimilarity randomSimilarity() {
    return VectorSimilarity.values()[random().nextInt(VectorSimilarity.values().length)];
  }
}
