package org.vectorscoring.opensearch.aggregation;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.tests.util.LuceneTestCase;

public class TopCandidatesTests extends LuceneTestCase {

  /** Offering only what {@code mayAccept} lets through keeps the same best candidates as offering everything. */
  public void testPreChecksKeepTheSameCandidates() {
    int size = 1 + random().nextInt(20);
    TopCandidates all = new TopCandidates(size);
    TopCandidates checked = new TopCandidates(size);
    List<MatrixCandidate> candidates = new ArrayList<>();
    int n = random().nextInt(300);
    for (int i = 0; i < n; i++) {
      // Few distinct scores and keys, so ties on both are common.
      float score = random().nextInt(4);
      String key = "k" + random().nextInt(30);
      candidates.add(new MatrixCandidate(score, key, new float[] {random().nextInt(3)}));
    }
    int skipped = 0;
    for (MatrixCandidate c : candidates) {
      all.offer(c);
      if (checked.mayAccept(c.score()) && checked.mayAccept(c.score(), c.key())) {
        checked.offer(c);
      } else {
        skipped++;
      }
    }
    assertEquals(all.sorted(), checked.sorted());
    if (n > 10 * size) {
      assertTrue("the checks skip something when candidates outnumber the size", skipped > 0);
    }
  }

  public void testTiedScoresAreDecidedByKeyBeforeTheVector() {
    TopCandidates top = new TopCandidates(2);
    top.offer(new MatrixCandidate(1f, "b", new float[] {1}));
    top.offer(new MatrixCandidate(1f, "d", new float[] {1}));
    assertTrue(top.mayAccept(1f, "c"));
    assertTrue("an equal score and key: the vector decides", top.mayAccept(1f, "d"));
    assertFalse(top.mayAccept(1f, "e"));
    assertFalse(top.mayAccept(0.5f, "a"));
    assertTrue(top.mayAccept(2f, "z"));
  }
}
